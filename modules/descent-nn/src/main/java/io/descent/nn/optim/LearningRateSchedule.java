package io.descent.nn.optim;

/**
 * Learning rate as a function of the optimizer step (0-based). Implementations are immutable and thread-safe.
 */
@FunctionalInterface
public interface LearningRateSchedule
{
    /**
     * @param step optimizer step, 0 for the first update.
     * @return the learning rate for that step.
     */
    double rate(long step);

    /** @param rate the rate for every step. */
    static LearningRateSchedule constant(final double rate)
    {
        return step -> rate;
    }

    /**
     * {@code rate · gamma^floor(step / every)}.
     *
     * @param rate  initial rate.
     * @param every steps between decays (≥ 1).
     * @param gamma factor per decay.
     */
    static LearningRateSchedule stepDecay(final double rate, final long every, final double gamma)
    {
        return step -> rate * Math.pow(gamma, Math.floorDiv(step, every));
    }

    /**
     * {@code rate · gamma^(step / period)}: smooth decay by gamma every period steps.
     *
     * @param rate   initial rate.
     * @param period steps over which the rate is multiplied by gamma (≥ 1).
     * @param gamma  factor per period.
     */
    static LearningRateSchedule exponential(final double rate, final long period, final double gamma)
    {
        return step -> rate * Math.pow(gamma, (double)step / period);
    }

    /**
     * Cosine annealing from {@code rate} at step 0 to {@code minRate} at {@code total} (and after).
     *
     * @param rate    initial rate.
     * @param minRate final rate.
     * @param total   steps of the annealing (≥ 1).
     */
    static LearningRateSchedule cosine(final double rate, final double minRate, final long total)
    {
        return step -> minRate + (rate - minRate) * 0.5 * (1.0 + Math.cos(Math.PI * Math.min(step, total) / total));
    }

    /**
     * Linear warm-up: {@code after.rate(0) · (step + 1) / warmup} for the first {@code warmup} steps, then
     * {@code after.rate(step − warmup)}.
     *
     * @param after  the schedule that follows the warm-up.
     * @param warmup warm-up steps (0 disables it).
     */
    static LearningRateSchedule warmup(final LearningRateSchedule after, final long warmup)
    {
        if (warmup <= 0)
        {
            return after;
        }
        return step -> step < warmup ? after.rate(0) * (step + 1) / warmup : after.rate(step - warmup);
    }
}
