package io.descent.cluster.server;

import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormExchangeTest
{
    @Test
    void shouldSumEveryShardsPartInShardOrderWhateverTheArrivalOrder()
    {
        final NormExchange norms = new NormExchange(3);
        assertTrue(norms.add(2, 7, 1e-8).isEmpty());
        assertTrue(norms.add(0, 7, 1.0).isEmpty());
        // The next step may open while this one waits (a shard one step ahead).
        assertTrue(norms.add(2, 8, 4.0).isEmpty());
        assertEquals(OptionalDouble.of(1.0 + 3e16 + 1e-8), norms.add(1, 7, 3e16));
        assertEquals(1, norms.openSteps());
    }

    @Test
    void shouldCarryANonFinitePartIntoTheSum()
    {
        final NormExchange norms = new NormExchange(2);
        norms.add(1, 0, Double.NaN);
        assertTrue(Double.isNaN(norms.add(0, 0, 2.0).orElseThrow()));
        assertEquals(0, norms.openSteps());
    }

    @Test
    void shouldRefuseAPartTwiceOrOfNoShard()
    {
        final NormExchange norms = new NormExchange(2);
        norms.add(1, 3, 0.5);
        assertThrows(IllegalArgumentException.class, () -> norms.add(1, 3, 0.5));
        assertThrows(IllegalArgumentException.class, () -> norms.add(2, 3, 0.5));
    }
}
