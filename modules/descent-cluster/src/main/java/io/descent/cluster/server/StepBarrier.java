package io.descent.cluster.server;

import io.descent.cluster.trace.StepTrace;

import java.util.BitSet;

/**
 * What has arrived for one step: from each expected rank, the gradient's bytes (data plane) and its metadata
 * (control plane). A rank counts only when both are there, so an incomplete buffer is never used. Actor-confined.
 */
final class StepBarrier
{
    private final long step;
    private final BitSet expected = new BitSet();
    private final BitSet data = new BitSet();
    private final BitSet meta = new BitSet();
    private final int[] examples;
    private final double[] losses;

    /**
     * @param step     the step.
     * @param ranks    the live ranks expected.
     * @param capacity number of ranks of the job.
     */
    StepBarrier(final long step, final int[] ranks, final int capacity)
    {
        this.step = step;
        for (final int rank : ranks)
        {
            expected.set(rank);
        }
        this.examples = new int[capacity];
        this.losses = new double[capacity];
    }

    long step()
    {
        return step;
    }

    /** @return false when the rank is not expected or its data was already recorded (a duplicate). */
    boolean onData(final int rank)
    {
        StepTrace.mark("s.dactor", step, rank);
        if (!expected.get(rank) || data.get(rank))
        {
            return false;
        }
        data.set(rank);
        return true;
    }

    /** @return false when the rank is not expected or its metadata was already recorded (a duplicate). */
    boolean onMeta(final int rank, final int count, final double loss)
    {
        StepTrace.mark("s.meta", step, rank);
        if (!expected.get(rank) || meta.get(rank) || count <= 0)
        {
            return false;
        }
        meta.set(rank);
        examples[rank] = count;
        losses[rank] = loss;
        return true;
    }

    /** Stops waiting for a rank (lost); what it sent is not used. */
    void drop(final int rank)
    {
        expected.clear(rank);
    }

    boolean expects(final int rank)
    {
        return expected.get(rank);
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

    int examples(final int rank)
    {
        return examples[rank];
    }

    double loss(final int rank)
    {
        return losses[rank];
    }
}
