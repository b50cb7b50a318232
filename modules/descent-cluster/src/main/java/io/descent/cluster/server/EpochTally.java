package io.descent.cluster.server;

import io.descent.cluster.plan.StepPlan;

/**
 * Sums the current epoch's training loss, examples, steps and wall time as the server applies steps, and closes it
 * into {@link EpochTotals} at the epoch's last step under the {@link StepPlan}. A resumed job carries on the epoch its
 * checkpoint was taken in: the loss and examples of the epoch's steps before the checkpoint count, its steps and time
 * do not (they were taken by another server). Times are {@link System#nanoTime()} readings passed in by the caller.
 * Confined to the parameter server's compute thread.
 */
final class EpochTally
{
    private final StepPlan plan;
    private double lossSum;
    private long examples;
    private int steps;
    private long startNs;

    /**
     * @param plan          the job's step schedule (where epochs end).
     * @param carryLossSum  Σ loss × examples of the current epoch's steps taken before this server started, or 0.
     * @param carryExamples examples of those steps, or 0.
     */
    EpochTally(final StepPlan plan, final double carryLossSum, final long carryExamples)
    {
        this.plan = plan;
        this.lossSum = carryLossSum;
        this.examples = carryExamples;
    }

    /** Starts the clock of the current epoch at {@code nowNs}, when training starts. */
    void start(final long nowNs)
    {
        startNs = nowNs;
    }

    /**
     * Counts one applied step.
     *
     * @param stepLossSum  Σ loss × examples over the step's contributing workers.
     * @param stepExamples examples of the step.
     */
    void add(final double stepLossSum, final long stepExamples)
    {
        lossSum += stepLossSum;
        examples += stepExamples;
        steps++;
    }

    /**
     * @param next the next step to compute, every step before it {@link #add added}.
     * @return Σ loss × examples of the steps of {@code next}'s epoch before it: 0 when {@code next} begins an epoch.
     */
    double lossSumBefore(final long next)
    {
        return beginsEpoch(next) ? 0.0 : lossSum;
    }

    /**
     * @param next the next step to compute, every step before it {@link #add added}.
     * @return the examples of the steps of {@code next}'s epoch before it: 0 when {@code next} begins an epoch.
     */
    long examplesBefore(final long next)
    {
        return beginsEpoch(next) ? 0 : examples;
    }

    /**
     * Closes the epoch when {@code step}, just {@link #add added}, is its last, and starts the next one from zero at
     * {@code nowNs}.
     *
     * @param step        the step just applied.
     * @param rate        the learning rate it used.
     * @param liveWorkers workers live after it.
     * @param nowNs       the time now.
     * @return the epoch's totals (a NaN loss when it had no examples), or null when {@code step} does not end it.
     */
    EpochTotals closeIfLast(final long step, final double rate, final int liveWorkers, final long nowNs)
    {
        if (!plan.endsEpoch(step))
        {
            return null;
        }
        final EpochTotals totals = new EpochTotals(plan.epochOf(step), examples > 0 ? lossSum / examples : Double.NaN,
            examples, steps, (nowNs - startNs) / 1e9, rate, liveWorkers);
        lossSum = 0.0;
        examples = 0;
        steps = 0;
        startNs = nowNs;
        return totals;
    }

    private boolean beginsEpoch(final long step)
    {
        return plan.batchOf(step) == 0;
    }
}
