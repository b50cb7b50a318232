package io.descent.cluster.server;

import io.descent.cluster.Consistency;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.dataplane.TransportStats;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step-closing policy: sync waits for every expected rank; backup closes on all but b, sums the ranks that came in
 * rank order, drops a late gradient (counted once, when both halves are in), and closes early only when every live
 * rank delivered the step before (in time or late), so each has armed the next step's weights.
 */
class StepCloseTest
{
    private static final long[] ORDERED = { 100, 100, 100 };
    private static final int[] RANKS = { 0, 1, 2 };
    private static final BitSet LIVE = BitSet.valueOf(new long[]{ 0b111 });

    @Test
    void shouldWaitForEveryRankUnderSync()
    {
        final StepClose close = new StepClose(Consistency.SYNC, 3, false);
        final StepBarrier barrier = new StepBarrier(0, RANKS, ORDERED);
        deliver(barrier, 0);
        deliver(barrier, 2);
        assertNull(close.decide(barrier, LIVE, false), "sync waits for rank 1");
        deliver(barrier, 1);
        assertArrayEquals(new int[0], close.decide(barrier, LIVE, false));
        assertEquals(0, close.closedEarly());
    }

    @Test
    void shouldCloseABackupStepOnAllButBAndSumTheRestInRankOrder()
    {
        final StepClose close = backup();
        final StepBarrier first = new StepBarrier(0, RANKS, ORDERED);
        deliver(first, 1);
        deliver(first, 2);
        assertNull(close.decide(first, LIVE, false), "no rank delivered before: none has armed the step after next");
        deliver(first, 0);
        assertArrayEquals(new int[0], close.decide(first, LIVE, false));

        final StepBarrier barrier = new StepBarrier(1, RANKS, ORDERED);
        deliver(barrier, 2);
        assertNull(close.decide(barrier, LIVE, false), "one of three is not enough");
        assertEquals(-1, barrier.nextToFold(), "rank 0 is still awaited for the sum");
        deliver(barrier, 1);
        assertNull(close.decide(barrier, LIVE, true), "not while its weights are still going out");
        assertArrayEquals(new int[]{ 0 }, close.decide(barrier, LIVE, false), "closes without rank 0");
        assertArrayEquals(new int[]{ 1, 2 }, new int[]{ barrier.nextToFold(), barrier.nextToFold() });
        assertEquals(-1, barrier.nextToFold());
        assertArrayEquals(new int[]{ 1, 2 }, barrier.contributors());
        assertEquals(1.5, barrier.correction(), "the mean over the 200 examples that came");
        assertFalse(barrier.onData(0), "the barrier no longer takes rank 0");
        assertEquals(1, close.closedEarly());
    }

    @Test
    void shouldHoldTheNextStepUntilTheLateGradientIsInAndCountItOnce()
    {
        final StepClose close = backup();
        full(close, 6);
        final StepBarrier first = new StepBarrier(7, RANKS, ORDERED);
        deliver(first, 0);
        deliver(first, 1);
        assertArrayEquals(new int[]{ 2 }, close.decide(first, LIVE, false));

        final StepBarrier next = new StepBarrier(8, RANKS, ORDERED);
        deliver(next, 0);
        deliver(next, 1);
        assertNull(close.decide(next, LIVE, false), "rank 2 has not delivered step 7: it cannot take step 9 yet");
        assertFalse(close.onLateData(7, 1), "rank 1 delivered step 7 in time");
        assertTrue(close.onLateData(7, 2));
        assertEquals(0, close.late(), "counted once both halves are in");
        assertNull(close.decide(next, LIVE, false));
        assertTrue(close.onLateMeta(7, 2));
        assertFalse(close.onLateMeta(7, 2), "a duplicate");
        assertEquals(1, close.late());
        assertArrayEquals(new int[]{ 2 }, close.decide(next, LIVE, false), "now it may close, again without rank 2");
        assertEquals(2, close.closedEarly());
    }

    @Test
    void shouldCountAStepDeliveredAfterASkippedOneAsCaughtUp()
    {
        final StepClose close = backup();
        full(close, 0);
        final StepBarrier first = new StepBarrier(1, RANKS, ORDERED);
        deliver(first, 0);
        deliver(first, 1);
        assertArrayEquals(new int[]{ 2 }, close.decide(first, LIVE, false));
        // Rank 2 skipped step 1 (its weights 2 were in when it finished): it delivers step 2 in time.
        final StepBarrier next = new StepBarrier(2, RANKS, ORDERED);
        deliver(next, 2);
        deliver(next, 0);
        deliver(next, 1);
        assertArrayEquals(new int[0], close.decide(next, LIVE, false));
        final StepBarrier third = new StepBarrier(3, RANKS, ORDERED);
        deliver(third, 0);
        deliver(third, 1);
        assertArrayEquals(new int[]{ 2 }, close.decide(third, LIVE, false), "every rank delivered step 2");
        assertEquals(0, close.late());
    }

    @Test
    void shouldStopWaitingForALateGradientOfALostRank()
    {
        final StepClose close = backup();
        full(close, 0);
        final StepBarrier first = new StepBarrier(1, RANKS, ORDERED);
        deliver(first, 1);
        deliver(first, 2);
        assertArrayEquals(new int[]{ 0 }, close.decide(first, LIVE, false));
        final StepBarrier next = new StepBarrier(2, RANKS, ORDERED);
        deliver(next, 1);
        deliver(next, 2);
        assertNull(close.decide(next, LIVE, false));
        close.drop(0);
        next.drop(0);
        final BitSet live = BitSet.valueOf(new long[]{ 0b110 });
        assertArrayEquals(new int[0], close.decide(next, live, false), "complete with the two live ranks");
        assertEquals(0, close.late());
    }

    @Test
    void shouldNeverCloseOnNothing()
    {
        final Consistency backup = new Consistency(Consistency.Mode.BACKUP, 1, 0);
        assertFalse(backup.mayClose(0, 1), "one live rank: b = 1 still needs its gradient");
        assertTrue(backup.mayClose(1, 1));
        assertTrue(backup.mayClose(1, 2));
        assertFalse(Consistency.SYNC.mayClose(1, 2));
    }

    private static StepClose backup()
    {
        return new StepClose(new Consistency(Consistency.Mode.BACKUP, 1, 0), 3, false);
    }

    /** A step every rank delivered. */
    private static void full(final StepClose close, final long step)
    {
        final StepBarrier barrier = new StepBarrier(step, RANKS, ORDERED);
        for (final int rank : RANKS)
        {
            deliver(barrier, rank);
        }
        assertArrayEquals(new int[0], close.decide(barrier, LIVE, false));
    }

    private static void deliver(final StepBarrier barrier, final int rank)
    {
        assertTrue(barrier.onData(rank));
        assertEquals(StepBarrier.Report.ACCEPTED, barrier.onMeta(rank, report(ORDERED[rank])));
    }

    private static GradientMeta report(final long examples)
    {
        return new GradientMeta((int)examples, 0.5, examples, 0, 0, 0, 0, TransportStats.NONE);
    }
}
