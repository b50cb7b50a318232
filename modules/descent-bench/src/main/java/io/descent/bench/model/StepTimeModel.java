package io.descent.bench.model;

import io.descent.cluster.Consistency;

/**
 * Predicts a data-parallel step on N workers and S parameter-server shards from measured inputs. Every worker and
 * every shard has a full-duplex link of its own to a non-blocking switch, so a phase takes as long as its busiest
 * link: in the push a shard's link carries N·M/(S·r) bytes in and a worker's M/r out; in the pull a shard's carries
 * N·M/S out and a worker's M in (r the gradient compression ratio; weights are not compressed). The data plane's own
 * work bounds a phase too, whatever the link (on one host, with no link at all, it is the whole phase):
 * <ul>
 * <li>a worker's message moves no faster than one sender-receiver pair of processes moves it: over IPC on one host
 * ({@link Overheads#transferBytesPerSec}), over UDP between hosts ({@link Overheads#udpBytesPerSec}), where a shard's
 * N streams together move no faster either (its media driver has one receiver and one sender thread);</li>
 * <li>a shard checks the tag of every byte it receives on one thread (N·M/(S·r) at {@link Overheads#tagBytesPerSec}),
 * and tags its broadcast once and copies it per worker;</li>
 * <li>when the N + S processes share a host's cores ({@link ClusterShape#sharedCores}), a phase's data-plane CPU work
 * summed over them is spread over at most that many cores: over IPC the tags, checks and copies
 * ({@link Overheads#transferCpuSecondsPerByte}); over links, UDP's CPU cost per byte, both ends together
 * ({@link Overheads#udpCpuSecondsPerByte}: with the media drivers' threads and the kernel's datagram work).</li>
 * </ul>
 * Where the servers' links bound the phases, the broadcast's head start through a link's queue lets the first
 * gradients in while the last weights go out ({@link StepBreakdown#overlap}). After the last gradient reaches a shard
 * it folds it into the sum (none with one worker, whose gradient is the sum; a compressed one is decoded into it),
 * checks the sum is finite and steps its optimizer over M/S bytes; a compressed gradient is encoded by its worker
 * before it is pushed ({@link ClusterShape#codec}). With {@code sync} (and {@code backup}, whose equal workers close
 * steps as sync does) compute, push, server and pull follow one another; with {@code ssp} and {@code async} shapes a
 * worker's communication overlaps its next computation, as pipelined workers' does ({@code descent.cluster.pipeline =
 * on}; {@link Predictions#timing} times the others as sync). Stateless and thread-safe.
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
        final double tag = overheads.tagBytesPerSec();
        // Processes on one host (no link) move buffers over IPC; over links, in UDP datagrams.
        final boolean overLinks = !Double.isInfinite(rate);
        final double transfer = overLinks ? overheads.udpBytesPerSec() : overheads.transferBytesPerSec();
        final double cpuPerByte = overheads.cpuSecondsPerByte(overLinks);
        final double cpus = shape.sharedCores() > 0 ? Math.min(shape.sharedCores(), n + s) : Double.POSITIVE_INFINITY;
        final double pushLink = Math.max(n * gradient / s, gradient) / rate;
        // Over UDP a shard's media driver receives every stream on one receiver thread and sends on one sender thread:
        // its N streams move no faster together than one pair's transfer.
        final double streams = overLinks ? Math.max(1.0, n / s) : 1.0;
        final double pushDataPlane = Math.max(Math.max(streams * gradient / transfer,
            n * gradient / s / tag), n * gradient * cpuPerByte / cpus);
        // Every worker encodes its whole gradient before (S = 1) or while (S > 1) it pushes; on shared cores N at once.
        final double encoders = shape.sharedCores() > 0 ? Math.max(1.0, n / Math.min(shape.sharedCores(), n)) : 1.0;
        final double encode = m * shape.codec().encodeSecondsPerByte() * encoders;
        final double push = encode + Math.max(pushLink, pushDataPlane) + shape.latencySeconds();
        final double pullLink = Math.max(n * m / s, m) / rate;
        // The broadcast is tagged once per range; every copy costs a transfer's CPU but the sender's tag.
        final double pullDataPlane = Math.max(Math.max(streams * m / transfer,
            range / tag + n * range / overheads.copyBytesPerSec()),
            (m / tag + n * m * Math.max(0.0, cpuPerByte - 1.0 / tag)) / cpus);
        final double pull = Math.max(pullLink, pullDataPlane) + shape.latencySeconds();
        // The first rank's gradient is the running sum (StepLoop): one worker's dense step has no fold; an encoded
        // gradient is decoded into the sum whatever the rank.
        final double fold = shape.codec().encodes() || shape.workers() > 1 ? foldSeconds(shape, range) : 0.0;
        final double server = fold + range / overheads.updateBytesPerSec();
        return new StepBreakdown(shape.computeSeconds(), push, server, pull, overheads.stepSeconds(),
            overlapped(shape.consistency()), pushLink >= pushDataPlane && pullLink >= pullDataPlane ?
                headStart(n, s, range, gradient / s, rate) : 0.0, shape.roundsPerStep());
    }

    /**
     * @param shape the configuration.
     * @return a shard's server work in one step at these rates, wherever it falls on the step's path: every fold
     * (N − 1 dense, the first rank's gradient being the sum; N decodes when compressed) and the update of its range.
     * What a run's {@code server_stats} time per step ({@code update_s} ÷ {@code steps}) measures of the same work.
     */
    public double serverWork(final ClusterShape shape)
    {
        final double range = (double)shape.modelBytes() / shape.servers();
        final int folds = shape.codec().encodes() ? shape.workers() : shape.workers() - 1;
        return folds * foldSeconds(shape, range) + range / overheads.updateBytesPerSec();
    }

    /** @return one gradient's range folded into the sum: decoded into it when compressed, else one axpy. */
    private double foldSeconds(final ClusterShape shape, final double range)
    {
        return shape.codec().encodes() ? range * shape.codec().decodeSecondsPerByte() :
            range / overheads.sumBytesPerSec();
    }

    /**
     * Where the servers' links bound both phases (N > S), a shard's copies of the weights leave through one FIFO link
     * queue, and each peer's socket puts up to its send buffer in it before the next peer's: the first worker's weights
     * land up to (N − 1) buffers sooner than the last's, so its gradient comes in while the others' weights still go
     * out (full duplex). With buffers holding whole messages the step's link time is (N + 1)·M/B, not 2N·M/B.
     *
     * @return push seconds hidden behind the pull: (N − 1) × the smaller of a send buffer, a weights range and a
     * gradient range, over the link rate; 0 when N ≤ S.
     */
    private double headStart(final double n, final double s, final double range, final double gradientRange,
        final double rate)
    {
        return n > s ? (n - 1) * Math.min(overheads.sendBufferBytes(), Math.min(range, gradientRange)) / rate : 0.0;
    }

    /** @return whether a worker's communication overlaps its next computation (no per-step barrier). */
    static boolean overlapped(final Consistency.Mode mode)
    {
        return mode == Consistency.Mode.SSP || mode == Consistency.Mode.ASYNC;
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
