package io.descent.bench.model;

/**
 * A predicted step, in seconds, by phase. Immutable.
 *
 * @param compute    one worker's forward + backward.
 * @param push       the gradients reaching the servers (the slowest link of the phase).
 * @param server     the last fold and the optimizer step on a shard, after the last gradient is in.
 * @param pull       the new weights reaching the workers (the slowest link of the phase).
 * @param fixed      the per-step fixed cost ({@link Overheads#stepSeconds()}).
 * @param overlapped whether communication overlaps computation (ssp, async): then the step is the longer of the two.
 */
public record StepBreakdown(double compute, double push, double server, double pull, double fixed, boolean overlapped)
{
    /** @return communication per step: push, server and pull. */
    public double communication()
    {
        return push + server + pull;
    }

    /** @return the step time: the phases in sequence (sync), or compute and communication side by side. */
    public double step()
    {
        return (overlapped ? Math.max(compute, communication()) : compute + communication()) + fixed;
    }

    /**
     * @param workers N.
     * @param batch   examples per worker per step.
     * @return samples per second of all workers together.
     */
    public double samplesPerSec(final int workers, final int batch)
    {
        return (double)workers * batch / step();
    }
}
