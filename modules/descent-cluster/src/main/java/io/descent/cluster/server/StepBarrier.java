package io.descent.cluster.server;

import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.trace.StepTrace;

import java.util.BitSet;

/**
 * What has arrived for one step: from each expected rank, the gradient's bytes and its report (both over the data
 * plane). A rank counts only when both are there, so an incomplete buffer is never used. It also walks the ranks in
 * increasing order as they deliver ({@link #nextToFold()}), so the server can sum gradients in rank order while later
 * ranks are still in flight.
 *
 * <p>Each gradient weighs as many examples as the server <em>ordered</em> from its rank, never what the worker
 * reports: a report whose example count differs from the order (or that lacks the gradient's norm a clipping shard
 * needs) is {@link Report#REFUSED refused}, and that rank is then missing from the step, exactly as a rank lost before
 * delivering (the step completes with the others, averaged over their examples; the rank stays in the job and gets the
 * next step's order). Confined to the server's compute thread.
 */
final class StepBarrier
{
    /** What became of a gradient report. */
    enum Report
    {
        /** Recorded: the rank's report is in. */
        ACCEPTED,
        /** Not for this step's barrier: the rank is not expected (dropped, refused) or reported already. */
        IGNORED,
        /** Its example count is not what the rank was ordered, or its norm is bad: the rank is missing from the step. */
        REFUSED
    }

    private final long step;
    private final int[] ordered;
    private final long[] orderedRows;
    private final BitSet expected = new BitSet();
    private final BitSet data = new BitSet();
    private final BitSet meta = new BitSet();
    private final GradientMeta[] metas;
    private final long plannedExamples;
    private int cursor;

    /**
     * @param step        the step.
     * @param ranks       the live ranks expected, in increasing order.
     * @param orderedRows by rank (one entry per rank of the job): the examples the step's order asked of it, ≥ 1
     *                    for every expected rank. Their sum is the divisor the fold weights assume.
     */
    StepBarrier(final long step, final int[] ranks, final long[] orderedRows)
    {
        this.step = step;
        this.ordered = ranks.clone();
        this.orderedRows = orderedRows.clone();
        long planned = 0;
        for (final int rank : ranks)
        {
            expected.set(rank);
            planned += orderedRows[rank];
        }
        this.metas = new GradientMeta[orderedRows.length];
        this.plannedExamples = planned;
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

    /**
     * Records a rank's report, unless it is not expected, a duplicate, or claims other than the ordered examples.
     *
     * @return what became of it; after {@link Report#REFUSED} the rank is no longer expected in this step.
     */
    Report onMeta(final int rank, final GradientMeta report)
    {
        return onMeta(rank, report, false);
    }

    /**
     * As {@link #onMeta(int, GradientMeta)}; with {@code needsNorm} (gradient-norm clipping of each gradient by
     * shards, {@code ssp} and {@code async}) also refuses a report without a valid squared norm
     * ({@link GradientMeta#hasSquares()}: NaN or negative, which no worker of this job sends).
     */
    Report onMeta(final int rank, final GradientMeta report, final boolean needsNorm)
    {
        StepTrace.mark("s.meta", step, rank);
        if (!expected.get(rank) || meta.get(rank))
        {
            return Report.IGNORED;
        }
        if (report.examples() != orderedRows[rank] || needsNorm && !report.hasSquares())
        {
            expected.clear(rank);
            return Report.REFUSED;
        }
        meta.set(rank);
        metas[rank] = report;
        return Report.ACCEPTED;
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

    /** @return the weight of a rank's gradient in the sum as planned: its ordered examples over the planned total. */
    double plannedWeight(final int rank)
    {
        return (double)orderedRows[rank] / plannedExamples;
    }

    /** @return the examples the step's order asked of {@code rank} (0 when it was not ordered). */
    long orderedRows(final int rank)
    {
        return orderedRows[rank];
    }

    /**
     * @return the factor that turns the planned-weight sum into the mean over the examples that did arrive
     * ({@code planned ÷ delivered}): exactly 1 unless a rank was lost before delivering or refused.
     */
    double correction()
    {
        long delivered = 0;
        for (final int rank : contributors())
        {
            delivered += orderedRows[rank];
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

    /**
     * Closes the step on what is in (a backup step): stops waiting for every rank that has not delivered both halves,
     * which then count as late. The ranks that did deliver are still summed in rank order ({@link #nextToFold()}).
     *
     * @return the ranks left out, in increasing order.
     */
    int[] closeEarly()
    {
        final int[] left = missing();
        for (final int rank : left)
        {
            expected.clear(rank);
        }
        return left;
    }

    /**
     * Closes the step on the ranks another shard chose (a backup step with server shards, on a shard other than the
     * coordinator): stops expecting every rank not in {@code ranks}, delivered or not. Call it before anything of the
     * step was folded ({@link #nextToFold()}), so that a rank left out was never summed.
     *
     * @param ranks the ranks the step closes on.
     * @return the ranks left out, in increasing order.
     */
    int[] keepOnly(final int[] ranks)
    {
        final BitSet kept = new BitSet();
        for (final int rank : ranks)
        {
            kept.set(rank);
        }
        final int[] left = expected.stream().filter(rank -> !kept.get(rank)).toArray();
        for (final int rank : left)
        {
            expected.clear(rank);
        }
        return left;
    }

    /** @return true when the data of {@code rank}'s gradient came, whether it is expected or not. */
    boolean dataIn(final int rank)
    {
        return data.get(rank);
    }

    /** @return true when {@code rank}'s report was recorded, whether it is still expected or not. */
    boolean metaIn(final int rank)
    {
        return meta.get(rank);
    }

    /** @return how many expected ranks delivered both halves. */
    int deliveredCount()
    {
        return contributors().length;
    }

    /** @return how many ranks the step still expects or has (ordered, not lost, not refused). */
    int expectedCount()
    {
        return expected.cardinality();
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
