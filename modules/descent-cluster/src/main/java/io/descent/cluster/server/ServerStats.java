package io.descent.cluster.server;

import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.CompressionStats;

/**
 * Counters of the parameter server for the report.
 *
 * @param host             its host name.
 * @param pid              its process id.
 * @param steps            optimizer steps taken by this server (a resumed job counts from the checkpoint).
 * @param updateSeconds    time summing gradients and running the optimizer.
 * @param bytesReceived    gradient bytes received complete.
 * @param ignoredGradients gradients that arrived but were not summed: for a step already closed or from a dropped
 *                         worker (late), or again after delivery (duplicate); counted once per gradient, whether the
 *                         step loop turned it away or the data plane dropped it for coming after its expectation.
 * @param refusedGradients gradients refused because their report's example count was not what the server ordered.
 * @param cpus             the CPUs the server process could run on, e.g. "0-1" (Linux), or "".
 * @param transport        what its data plane dropped or missed on the receiving side (gradients and reports).
 * @param lateGradients    gradients dropped because their backup step had closed without them (not in
 *                         {@code ignoredGradients}).
 * @param closedEarly      backup steps that closed before every expected gradient was in.
 * @param staleness        the applied gradients' staleness.
 * @param compression      its gradient traffic before and after compression, or null when not known.
 */
public record ServerStats(
    String host, long pid, long steps, double updateSeconds, long bytesReceived, long ignoredGradients,
    long refusedGradients, String cpus, TransportStats transport, long lateGradients, long closedEarly,
    Staleness staleness, CompressionStats compression)
{
    /** Counters without gradient traffic. */
    public ServerStats(
        final String host, final long pid, final long steps, final double updateSeconds, final long bytesReceived,
        final long ignoredGradients, final long refusedGradients, final String cpus, final TransportStats transport,
        final long lateGradients, final long closedEarly, final Staleness staleness)
    {
        this(host, pid, steps, updateSeconds, bytesReceived, ignoredGradients, refusedGradients, cpus, transport,
            lateGradients, closedEarly, staleness, null);
    }

    /** Counters of a server whose steps all waited for every gradient (sync). */
    public ServerStats(
        final String host, final long pid, final long steps, final double updateSeconds, final long bytesReceived,
        final long ignoredGradients, final long refusedGradients, final String cpus, final TransportStats transport)
    {
        this(host, pid, steps, updateSeconds, bytesReceived, ignoredGradients, refusedGradients, cpus, transport, 0, 0,
            Staleness.NONE);
    }
}
