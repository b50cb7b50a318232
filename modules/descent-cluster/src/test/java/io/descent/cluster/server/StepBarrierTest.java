package io.descent.cluster.server;

import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.GradientMeta;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step barrier weighs each gradient by the rows the server ordered, refuses a report that claims others, and then
 * completes the step without that rank, averaged over the examples that did arrive.
 */
class StepBarrierTest
{
    /** Rank 0 computes its own shard and a lost rank's: twice the rows of rank 1 and rank 2. */
    private static final long[] ORDERED = { 360, 180, 180 };

    @Test
    void shouldWeighEachGradientByTheRowsItsRankWasOrdered()
    {
        final StepBarrier barrier = new StepBarrier(4, new int[]{ 0, 1, 2 }, ORDERED);
        for (final int rank : new int[]{ 2, 0, 1 })
        {
            assertEquals(StepBarrier.Report.ACCEPTED, barrier.onMeta(rank, report(ORDERED[rank])));
            assertTrue(barrier.onData(rank));
        }
        assertEquals(0.5, barrier.plannedWeight(0));
        assertEquals(0.25, barrier.plannedWeight(1));
        assertEquals(0.25, barrier.plannedWeight(2));
        assertEquals(1.0, barrier.correction());
        assertArrayEquals(new int[]{ 0, 1, 2 }, new int[]{ barrier.nextToFold(), barrier.nextToFold(),
            barrier.nextToFold() }, "in rank order, whatever the arrival order");
        assertTrue(barrier.isComplete());
    }

    @Test
    void shouldRefuseAReportOfOtherThanTheOrderedRowsAndCompleteTheStepWithoutIt()
    {
        final StepBarrier barrier = new StepBarrier(4, new int[]{ 0, 1, 2 }, ORDERED);
        assertEquals(StepBarrier.Report.ACCEPTED, barrier.onMeta(0, report(360)));
        assertTrue(barrier.onData(0));
        assertTrue(barrier.onData(1));
        assertEquals(StepBarrier.Report.REFUSED, barrier.onMeta(1, report(100_000)), "a worker inflating its weight");
        assertEquals(StepBarrier.Report.IGNORED, barrier.onMeta(1, report(180)), "no second chance in this step");
        assertFalse(barrier.delivered(1));
        assertEquals(0, barrier.nextToFold());
        assertEquals(-1, barrier.nextToFold(), "rank 2 is still on its way");
        assertFalse(barrier.isComplete());
        assertEquals(StepBarrier.Report.ACCEPTED, barrier.onMeta(2, report(180)));
        assertTrue(barrier.onData(2));
        assertEquals(2, barrier.nextToFold(), "the refused rank is skipped, not waited for");
        assertTrue(barrier.isComplete());
        assertArrayEquals(new int[]{ 0, 2 }, barrier.contributors());
        assertArrayEquals(new int[0], barrier.missing());
        assertEquals(720.0 / 540.0, barrier.correction(), 1e-15,
            "the planned weights (of 720 rows) rescaled to the 540 that arrived");
    }

    /**
     * Every interleaving of the six halves of three ranks (720 orders): the ranks come out to be folded in increasing
     * order, each once and only once both its halves are in, and the step completes with the last half.
     */
    @Test
    void shouldFoldInRankOrderWhateverOrderTheHalvesArriveIn()
    {
        final List<int[]> orders = new ArrayList<>();
        permute(new int[]{ 0, 1, 2, 3, 4, 5 }, 0, orders);
        assertEquals(720, orders.size());
        for (final int[] order : orders)
        {
            final StepBarrier barrier = new StepBarrier(4, new int[]{ 0, 1, 2 }, ORDERED);
            final List<Integer> folded = new ArrayList<>();
            for (int i = 0; i < order.length; i++)
            {
                final int rank = order[i] % 3;
                if (order[i] < 3)
                {
                    assertTrue(barrier.onData(rank));
                }
                else
                {
                    assertEquals(StepBarrier.Report.ACCEPTED, barrier.onMeta(rank, report(ORDERED[rank])));
                }
                for (int next = barrier.nextToFold(); next >= 0; next = barrier.nextToFold())
                {
                    assertTrue(barrier.delivered(next));
                    for (int lower = 0; lower < next; lower++)
                    {
                        assertTrue(folded.contains(lower), "rank " + lower + " before rank " + next);
                    }
                    folded.add(next);
                }
                assertEquals(i == order.length - 1, barrier.isComplete(), Arrays.toString(order) + " at " + i);
            }
            assertEquals(List.of(0, 1, 2), folded, Arrays.toString(order));
        }
    }

    private static void permute(final int[] items, final int from, final List<int[]> into)
    {
        if (from == items.length)
        {
            into.add(items.clone());
            return;
        }
        for (int i = from; i < items.length; i++)
        {
            int kept = items[from];
            items[from] = items[i];
            items[i] = kept;
            permute(items, from + 1, into);
            kept = items[from];
            items[from] = items[i];
            items[i] = kept;
        }
    }

    @Test
    void shouldRefuseAnEmptyOrNegativeReport()
    {
        final StepBarrier barrier = new StepBarrier(0, new int[]{ 0, 1 }, new long[]{ 180, 180 });
        assertEquals(StepBarrier.Report.REFUSED, barrier.onMeta(0, report(0)));
        assertEquals(StepBarrier.Report.REFUSED, barrier.onMeta(1, report(-180)));
        assertTrue(barrier.isComplete());
        assertArrayEquals(new int[0], barrier.contributors());
    }

    private static GradientMeta report(final long examples)
    {
        return new GradientMeta((int)examples, 0.5, examples, 0, 0, 0, 0, TransportStats.NONE);
    }
}
