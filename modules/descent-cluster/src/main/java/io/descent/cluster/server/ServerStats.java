package io.descent.cluster.server;

/**
 * Counters of the parameter server for the report.
 *
 * @param host             its host name.
 * @param pid              its process id.
 * @param steps            optimizer steps taken by this server (a resumed job counts from the checkpoint).
 * @param updateSeconds    time summing gradients and running the optimizer.
 * @param bytesReceived    gradient bytes received complete.
 * @param ignoredGradients gradients ignored: late (wrong step), duplicate or from a dropped worker.
 * @param refusedGradients gradients refused because their report's example count was not what the server ordered.
 * @param cpus             the CPUs the server process could run on, e.g. "0-1" (Linux), or "".
 */
public record ServerStats(
    String host, long pid, long steps, double updateSeconds, long bytesReceived, long ignoredGradients,
    long refusedGradients, String cpus)
{
}
