package io.descent.bench.model;

/**
 * A predicted step, in seconds, by phase. Immutable.
 *
 * @param compute    one worker's forward + backward.
 * @param push       a worker's encode (compression) and the gradients reaching the servers (the slowest link of the
 *                   phase, or the data plane's CPU).
 * @param server     the last fold and the optimizer step on a shard, after the last gradient is in.
 * @param pull       the new weights reaching the workers (the slowest link of the phase, or the data plane's CPU).
 * @param fixed      the per-step fixed cost ({@link Overheads#stepSeconds()}).
 * @param overlapped whether communication overlaps computation (ssp, async): then the step is the longer of the two.
 * @param overlap    push time hidden behind the pull: the first workers' weights arrive ahead of the others' (the
 *                   broadcast's head start through the server's link), so their gradients come in while the last
 *                   weights still go out; at most {@code push}.
 * @param rounds     rounds of all the above per full batch of examples, at least 1
 *                   ({@link ClusterShape#roundsPerStep}): a partial batch at an epoch's end costs a whole round.
 */
public record StepBreakdown(double compute, double push, double server, double pull, double fixed, boolean overlapped,
    double overlap, double rounds)
{
    public StepBreakdown
    {
        if (!(overlap >= 0) || overlap > push)
        {
            throw new IllegalArgumentException("overlap must be within 0.." + push + " s, got " + overlap);
        }
        if (!(rounds >= 1))
        {
            throw new IllegalArgumentException("rounds per step must be at least 1, got " + rounds);
        }
    }

    /** @return communication per step: push, server and pull, less what the push hides behind the pull. */
    public double communication()
    {
        return push + server + pull - overlap;
    }

    /**
     * @return the step time, per full batch: the phases in sequence (sync), or compute and communication side by
     * side, times the rounds a full batch takes.
     */
    public double step()
    {
        return rounds * ((overlapped ? Math.max(compute, communication()) : compute + communication()) + fixed);
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
