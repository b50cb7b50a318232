package io.descent.cluster.protocol;

import io.descent.cluster.dataplane.TransportStats;

/**
 * Cumulative counters of one worker, sent with each gradient so that the server has them even for a worker that is
 * lost later. Immutable.
 *
 * @param rank           the worker's rank.
 * @param host           its host name.
 * @param pid            its process id.
 * @param samples        examples it computed gradients for.
 * @param computeSeconds time in forward + backward passes (batch filling included).
 * @param pushSeconds    time handing gradients to the data plane.
 * @param waitSeconds    time waiting for the next weights and step after a push.
 * @param bytesSent      data-plane payload bytes sent.
 * @param transport      what its data plane dropped or missed on the receiving side (weights and orders).
 */
public record WorkerStats(
    int rank,
    String host,
    long pid,
    long samples,
    double computeSeconds,
    double pushSeconds,
    double waitSeconds,
    long bytesSent,
    TransportStats transport)
{
    /** @return examples per second of busy plus waiting time, or 0 before the first step. */
    public double samplesPerSecond()
    {
        final double seconds = computeSeconds + pushSeconds + waitSeconds;
        return seconds > 0.0 ? samples / seconds : 0.0;
    }
}
