package io.descent.bench.model;

import io.descent.cluster.Consistency;

/**
 * One configuration the step-time model predicts: the job's size and compute time, the cluster's shape and its
 * network. Immutable; validated on construction.
 *
 * @param workers        N, worker processes, each on its own link.
 * @param servers        S, parameter-server shards, each on its own link and holding 1/S of the parameters.
 * @param modelBytes     M, bytes of the flat float32 parameter vector (a gradient and the weights are M each).
 * @param batch          examples per worker per step.
 * @param computeSeconds one worker's forward + backward at that batch, seconds.
 * @param linkBytesPerSec every link's rate each way (full duplex), bytes per second; infinite for processes on one
 *                       host (no link: the data plane's own rates bound the transfers).
 * @param latencySeconds one-way latency of a link (a transfer pays it once), seconds.
 * @param compression    gradient compression ratio r ≥ 1: a pushed gradient is M / r bytes (weights stay M).
 * @param consistency    how a step closes (the cluster's {@code descent.cluster.consistency}).
 * @param sharedCores    CPU cores all N + S processes share when they run on one host (a validation run), or 0 when
 *                       each runs on a machine of its own: then the data plane's CPU work of a phase, summed over the
 *                       processes, cannot take less than that work ÷ min(cores, N + S).
 * @param codec          what the gradient compression's encode and decode cost ({@link CodecCost#NONE} without).
 * @param roundsPerStep  rounds (compute, push, update, pull) per full batch of examples, at least 1: 1 in the steady
 *                       state; above 1 for a run whose epochs end on a partial batch, each costing a whole round
 *                       ({@code bench scale}'s short validation epochs: 11 rounds for 10 batches and 2 rows).
 */
public record ClusterShape(int workers, int servers, long modelBytes, int batch, double computeSeconds,
    double linkBytesPerSec, double latencySeconds, double compression, Consistency.Mode consistency, int sharedCores,
    CodecCost codec, double roundsPerStep)
{
    /** A shape whose processes each run on a machine of their own, its compression's codec free. */
    public ClusterShape(final int workers, final int servers, final long modelBytes, final int batch,
        final double computeSeconds, final double linkBytesPerSec, final double latencySeconds,
        final double compression, final Consistency.Mode consistency)
    {
        this(workers, servers, modelBytes, batch, computeSeconds, linkBytesPerSec, latencySeconds, compression,
            consistency, 0, CodecCost.NONE, 1.0);
    }

    public ClusterShape
    {
        if (workers < 1 || servers < 1 || modelBytes < 1 || batch < 1)
        {
            throw new IllegalArgumentException("workers, servers, model bytes and batch must be at least 1, got " +
                workers + ", " + servers + ", " + modelBytes + ", " + batch);
        }
        if (!(computeSeconds >= 0) || !(linkBytesPerSec > 0) || !(latencySeconds >= 0) || !(compression >= 1) ||
            sharedCores < 0 || null == codec || !(roundsPerStep >= 1))
        {
            throw new IllegalArgumentException("compute time ≥ 0, link rate > 0, latency ≥ 0, compression ≥ 1, " +
                "shared cores ≥ 0, a codec and rounds per step ≥ 1 expected, got " + computeSeconds + ", " +
                linkBytesPerSec + ", " + latencySeconds + ", " + compression + ", " + sharedCores + ", " + roundsPerStep);
        }
    }

    /** @return this shape with {@code n} workers. */
    public ClusterShape withWorkers(final int n)
    {
        return new ClusterShape(n, servers, modelBytes, batch, computeSeconds, linkBytesPerSec, latencySeconds,
            compression, consistency, sharedCores, codec, roundsPerStep);
    }

    /** @return this shape with {@code s} server shards. */
    public ClusterShape withServers(final int s)
    {
        return new ClusterShape(workers, s, modelBytes, batch, computeSeconds, linkBytesPerSec, latencySeconds,
            compression, consistency, sharedCores, codec, roundsPerStep);
    }

    /** @return this shape with a per-worker compute time of {@code seconds}. */
    public ClusterShape withCompute(final double seconds)
    {
        return new ClusterShape(workers, servers, modelBytes, batch, seconds, linkBytesPerSec, latencySeconds,
            compression, consistency, sharedCores, codec, roundsPerStep);
    }

    /** @return this shape with processes sharing {@code cores} cores of one host and a codec costing {@code cost}. */
    public ClusterShape onOneHost(final int cores, final CodecCost cost)
    {
        return new ClusterShape(workers, servers, modelBytes, batch, computeSeconds, linkBytesPerSec, latencySeconds,
            compression, consistency, cores, cost, roundsPerStep);
    }

    /** @return this shape with {@code rounds} rounds per full batch of examples (see {@link #roundsPerStep}). */
    public ClusterShape withRounds(final double rounds)
    {
        return new ClusterShape(workers, servers, modelBytes, batch, computeSeconds, linkBytesPerSec, latencySeconds,
            compression, consistency, sharedCores, codec, rounds);
    }
}
