package io.descent.bench.model;

/**
 * Predicts a data-parallel step on N workers and S parameter-server shards from measured inputs. Every worker and
 * every shard has a full-duplex link of its own to a non-blocking switch, so a phase takes as long as its busiest
 * link: in the push a shard's link carries N·M/(S·r) bytes in and a worker's M/r out; in the pull a shard's carries
 * N·M/S out and a worker's M in (r the gradient compression ratio; weights are not compressed). The data plane's own
 * work bounds a phase too, whatever the link (on one host, with no link at all, it is the whole phase): a worker's
 * message cannot move faster than one sender-receiver pair of processes moves it ({@link Overheads#transferBytesPerSec}),
 * a shard checks the tag of every byte it receives on one thread (N·M/(S·r) at {@link Overheads#tagBytesPerSec}), and
 * a shard's broadcast is tagged once and copied per worker. After the last gradient reaches a shard it folds it into
 * the sum (none with one worker, whose gradient is the sum), checks the sum is finite and steps its optimizer over
 * M/S bytes. With {@code sync} (and {@code backup}, whose equal workers close steps as sync does) compute, push,
 * server and pull follow one another; with {@code ssp} and {@code async} a worker's communication overlaps its next
 * computation. Stateless and thread-safe.
 */
public final class StepTimeModel
{
    private final Overheads overheads;

    /** @param overheads the host's measured overheads. */
    public StepTimeModel(final Overheads overheads)
    {
        this.overheads = overheads;
    }

    /** @return the overheads the model adds. */
    public Overheads overheads()
    {
        return overheads;
    }

    /**
     * @param shape the configuration.
     * @return its step, by phase.
     */
    public StepBreakdown predict(final ClusterShape shape)
    {
        final double m = shape.modelBytes();
        final double n = shape.workers();
        final double s = shape.servers();
        final double rate = shape.linkBytesPerSec();
        final double gradient = m / shape.compression();
        final double range = m / s;
        final double pushLink = Math.max(n * gradient / s, gradient) / rate;
        final double pushDataPlane = Math.max(gradient / overheads.transferBytesPerSec(),
            n * gradient / s / overheads.tagBytesPerSec());
        final double push = Math.max(pushLink, pushDataPlane) + shape.latencySeconds();
        final double pullLink = Math.max(n * m / s, m) / rate;
        final double pullDataPlane = Math.max(m / overheads.transferBytesPerSec(),
            range / overheads.tagBytesPerSec() + n * range / overheads.copyBytesPerSec());
        final double pull = Math.max(pullLink, pullDataPlane) + shape.latencySeconds();
        // The first rank's gradient is the running sum (StepLoop): one worker's step has no fold.
        final double fold = shape.workers() > 1 ? range / overheads.sumBytesPerSec() : 0.0;
        final double server = fold + range / overheads.updateBytesPerSec();
        return new StepBreakdown(shape.computeSeconds(), push, server, pull, overheads.stepSeconds(),
            shape.consistency().overlapped());
    }

    /**
     * @param shape the configuration.
     * @return samples per second of all workers together.
     */
    public double samplesPerSec(final ClusterShape shape)
    {
        return predict(shape).samplesPerSec(shape.workers(), shape.batch());
    }

    /**
     * @param shape the configuration.
     * @return weak-scaling efficiency: its throughput ÷ N × the throughput of one worker with the same servers.
     */
    public double efficiency(final ClusterShape shape)
    {
        return samplesPerSec(shape) / (shape.workers() * samplesPerSec(shape.withWorkers(1)));
    }
}
