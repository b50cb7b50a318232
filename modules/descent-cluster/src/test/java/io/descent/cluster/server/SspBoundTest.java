package io.descent.cluster.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ssp bound on its own: a worker starts step t only once every step up to t − s − 1 closed; a simulated fast
 * worker beside a slow one never starts a step the rule forbids and runs exactly s steps ahead at most; held ranks are
 * released when the slow one's step closes; async never holds.
 */
class SspBoundTest
{
    @Test
    void shouldAllowAStepOnlyOnceEveryStepUpToTMinusSMinusOneClosed()
    {
        final SspBound bound = new SspBound(2, 0, 2);
        assertTrue(bound.allows(0));
        assertTrue(bound.allows(2));
        assertFalse(bound.allows(3), "needs step 0 closed");
        bound.closed(0);
        assertTrue(bound.allows(3));
        assertFalse(bound.allows(4));
        assertEquals(1, bound.firstOpen());
        assertThrows(IllegalStateException.class, () -> bound.closed(2), "steps close in order");
    }

    @Test
    void shouldCountStepsBeforeAResumedFirstStepAsClosed()
    {
        final SspBound bound = new SspBound(0, 10, 1);
        assertTrue(bound.allows(10));
        assertFalse(bound.allows(11));
        assertEquals(10, bound.firstOpen());
    }

    @Test
    void shouldReleaseHeldRanksWhenTheirStepIsAllowed()
    {
        final SspBound bound = new SspBound(1, 0, 3);
        bound.hold(0, 2);
        bound.hold(2, 3);
        assertArrayEquals(new int[0], bound.release());
        bound.closed(0);
        assertArrayEquals(new int[]{ 0 }, bound.release());
        assertEquals(-1, bound.heldStep(0));
        assertEquals(3, bound.heldStep(2));
        bound.forget(2);
        bound.closed(1);
        assertArrayEquals(new int[0], bound.release(), "a forgotten rank is not released");
    }

    @Test
    void shouldKeepAFastWorkerWithinStalenessStepsOfASlowOne()
    {
        for (int staleness = 0; staleness <= 3; staleness++)
        {
            assertEquals(staleness, maxLead(staleness, 20), "s = " + staleness);
        }
        final long async = maxLead(SspBound.UNBOUNDED, 20);
        assertTrue(async > 3, "async: no bound, the fast worker runs far ahead: " + async);
    }

    /**
     * Simulates rank 0 taking 1 tick a step and rank 1 taking 5, each starting its next step when the bound allows,
     * checking at every start that every step up to t − s − 1 has closed (both ranks delivered it).
     *
     * @return the largest lead of rank 0's started step over the first open step.
     */
    private static long maxLead(final int staleness, final long steps)
    {
        final SspBound bound = new SspBound(staleness, 0, 2);
        final long[] started = { 0, 0 };
        final long[] doneAt = { 1, 5 };
        final long[] delivered = { -1, -1 };
        final int[] cost = { 1, 5 };
        long lead = 0;
        for (long tick = 1; delivered[0] < steps - 1 || delivered[1] < steps - 1; tick++)
        {
            for (int rank = 0; rank < 2; rank++)
            {
                if (doneAt[rank] == tick && delivered[rank] < started[rank])
                {
                    delivered[rank] = started[rank];
                    while (Math.min(delivered[0], delivered[1]) >= bound.firstOpen())
                    {
                        bound.closed(bound.firstOpen());
                    }
                    if (started[rank] + 1 < steps)
                    {
                        bound.hold(rank, started[rank] + 1);
                    }
                }
            }
            for (final int rank : bound.release())
            {
                started[rank]++;
                doneAt[rank] = tick + cost[rank];
                if (staleness != SspBound.UNBOUNDED)
                {
                    assertTrue(Math.min(delivered[0], delivered[1]) >= started[rank] - staleness - 1,
                        "rank " + rank + " started step " + started[rank] + " with steps up to " +
                            Math.min(delivered[0], delivered[1]) + " closed");
                }
                lead = Math.max(lead, started[rank] - bound.firstOpen());
            }
        }
        return lead;
    }
}
