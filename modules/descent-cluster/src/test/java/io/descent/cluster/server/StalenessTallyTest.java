package io.descent.cluster.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Staleness counts: by value, trimmed to the largest seen, snapshots independent of later records. */
class StalenessTallyTest
{
    @Test
    void shouldCountGradientsByStepStalenessAndVersionLag()
    {
        final StalenessTally tally = new StalenessTally();
        assertEquals(-1, tally.snapshot().maxSteps());
        tally.recordFresh(2);
        tally.record(2, 9);
        final Staleness before = tally.snapshot();
        tally.record(1, 0);
        assertArrayEquals(new long[]{ 2, 0, 1 }, before.steps());
        assertArrayEquals(new long[]{ 2, 1, 1 }, tally.snapshot().steps());
        assertEquals(9, tally.snapshot().maxVersionLag());
        assertEquals(3, tally.snapshot().versionLag()[0]);
        assertEquals(4, tally.snapshot().gradients());
        assertThrows(IllegalArgumentException.class, () -> tally.record(-1, 0));
    }
}
