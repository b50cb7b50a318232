package io.descent.cluster.server;

import io.descent.cluster.protocol.WorkerStats;
import io.descent.train.Metrics;

import java.util.List;

/**
 * The outcome of a completed job.
 *
 * @param epochs       one report per epoch trained by this server.
 * @param test         test metrics of the final weights.
 * @param steps        the job's final step count (weights version).
 * @param finalWeights a copy of the final weights.
 * @param workers      the latest statistics of each worker, by rank.
 * @param server       the server's counters.
 * @param lostRanks    ranks dropped during the job, in order of loss.
 * @param wallSeconds  time from the first step to the end.
 * @param shards       with parameter-server shards, each shard's counters by index (the coordinator's, which is
 *                     {@code server}, first; null for a shard that did not report them in time); empty for one server.
 */
public record JobResult(
    List<EpochReport> epochs,
    Metrics test,
    long steps,
    float[] finalWeights,
    List<WorkerStats> workers,
    ServerStats server,
    List<Integer> lostRanks,
    double wallSeconds,
    List<ServerStats> shards)
{
}
