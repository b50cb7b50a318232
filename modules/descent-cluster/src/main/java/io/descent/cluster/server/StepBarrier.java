package io.descent.cluster.server;

import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.trace.StepTrace;

import java.util.BitSet;

/**
 * What has arrived for one step: from each expected rank, the gradient's bytes and its report (both over the data
 * plane). A rank counts only when both are there, so an incomplete buffer is never used. It also walks the ranks in
 * increasing order as they deliver ({@link #nextToFold()}), so the server can sum gradients in rank order while later
 * ranks are still in flight. Actor-confined.
 */
final class StepBarrier
{
    private final long step;
    private final int[] ordered;
    private final BitSet expected = new BitSet();
    private final BitSet data = new BitSet();
    private final BitSet meta = new BitSet();
    private final GradientMeta[] metas;
    private final long plannedExamples;
    private int cursor;

    /**
     * @param step            the step.
     * @param ranks           the live ranks expected, in increasing order.
     * @param capacity        number of ranks of the job.
     * @param plannedExamples the examples the step's orders add up to: the divisor the fold weights assume.
     */
    StepBarrier(final long step, final int[] ranks, final int capacity, final long plannedExamples)
    {
        this.step = step;
        this.ordered = ranks.clone();
        for (final int rank : ranks)
        {
            expected.set(rank);
        }
        this.metas = new GradientMeta[capacity];
        this.plannedExamples = plannedExamples;
    }

    long step()
    {
        return step;
    }

    /** @return false when the rank is not expected or its data was already recorded (a duplicate). */
    boolean onData(final int rank)
    {
        if (!expected.get(rank) || data.get(rank))
        {
            return false;
        }
        data.set(rank);
        return true;
    }

    /** @return false when the rank is not expected or its report was already recorded (a duplicate). */
    boolean onMeta(final int rank, final GradientMeta report)
    {
        StepTrace.mark("s.meta", step, rank);
        if (!expected.get(rank) || meta.get(rank) || report.examples() <= 0)
        {
            return false;
        }
        meta.set(rank);
        metas[rank] = report;
        return true;
    }

    /**
     * Stops waiting for a rank (lost). A rank that already delivered both halves keeps its gradient: it is complete
     * and verified, and may already be summed.
     */
    void drop(final int rank)
    {
        if (!delivered(rank))
        {
            expected.clear(rank);
        }
    }

    /**
     * @return the next rank, in increasing order, whose gradient can be added to the sum now (every lower expected
     * rank was added or dropped), or -1 when there is none yet. Each rank is returned once.
     */
    int nextToFold()
    {
        while (cursor < ordered.length)
        {
            final int rank = ordered[cursor];
            if (delivered(rank))
            {
                cursor++;
                return rank;
            }
            if (expected.get(rank))
            {
                return -1;
            }
            cursor++;
        }
        return -1;
    }

    /** @return the weight of a rank's gradient in the sum as planned: its examples over the planned total. */
    double plannedWeight(final int rank)
    {
        return (double)metas[rank].examples() / plannedExamples;
    }

    /**
     * @return the factor that turns the planned-weight sum into the mean over the examples that did arrive
     * ({@code planned ÷ delivered}): exactly 1 unless a worker was lost before delivering.
     */
    double correction()
    {
        long delivered = 0;
        for (final int rank : contributors())
        {
            delivered += metas[rank].examples();
        }
        return delivered == plannedExamples ? 1.0 : (double)plannedExamples / delivered;
    }

    /** @return true when every expected rank has delivered both halves. */
    boolean isComplete()
    {
        for (int rank = expected.nextSetBit(0); rank >= 0; rank = expected.nextSetBit(rank + 1))
        {
            if (!delivered(rank))
            {
                return false;
            }
        }
        return true;
    }

    boolean delivered(final int rank)
    {
        return expected.get(rank) && data.get(rank) && meta.get(rank);
    }

    /** @return expected ranks that have not delivered both halves, in increasing order. */
    int[] missing()
    {
        return expected.stream().filter(rank -> !delivered(rank)).toArray();
    }

    /** @return ranks that delivered, in increasing order: the summation order. */
    int[] contributors()
    {
        return expected.stream().filter(this::delivered).toArray();
    }

    /** @return the report of a rank that delivered it. */
    GradientMeta meta(final int rank)
    {
        return metas[rank];
    }
}
