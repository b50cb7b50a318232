package io.descent.bench.model;

import io.descent.cluster.Consistency;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BytePS's bound in its closed forms. */
class BytePsBoundTest
{
    private static final double M = 1e8;
    private static final double B = 1.25e9;

    @Test
    void shouldBeAllReduceWithoutServers()
    {
        for (final int n : new int[]{ 2, 3, 8, 256 })
        {
            assertEquals(2.0 * (n - 1) * M / (n * B), BytePsBound.seconds(n, 0, M, B), 1e-12);
        }
    }

    @Test
    void shouldBeOneModelPerLinkWithAsManyServersAsWorkers()
    {
        for (final int n : new int[]{ 2, 3, 8, 256 })
        {
            assertEquals(M / B, BytePsBound.seconds(n, n, M, B), 1e-12);
        }
    }

    @Test
    void shouldFallAsServersAreAddedAndBeZeroForOneWorker()
    {
        double previous = Double.MAX_VALUE;
        for (int k = 0; k <= 16; k++)
        {
            final double bound = BytePsBound.seconds(16, k, M, B);
            assertTrue(bound < previous, "k = " + k);
            previous = bound;
        }
        assertEquals(0.0, BytePsBound.seconds(1, 4, M, B));
        assertThrows(IllegalArgumentException.class, () -> BytePsBound.seconds(0, 1, M, B));
    }

    @Test
    void shouldStayBelowThePsModelsCommunication()
    {
        final StepTimeModel model = new StepTimeModel(new Overheads(0.0, Double.MAX_VALUE, Double.MAX_VALUE, 1e10,
            Double.MAX_VALUE, Double.MAX_VALUE));
        for (final int n : new int[]{ 2, 8, 64 })
        {
            for (final int s : new int[]{ 1, 2, n })
            {
                final ClusterShape shape = new ClusterShape(n, s, (long)M, 32, 0.0, B, 0.0, 1.0, Consistency.Mode.SYNC);
                assertTrue(model.predict(shape).communication() >= BytePsBound.seconds(n, s, M, B) - 1e-12,
                    n + " workers, " + s + " servers");
            }
        }
    }
}
