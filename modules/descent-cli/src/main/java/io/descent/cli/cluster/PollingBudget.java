package io.descent.cli.cluster;

import java.util.List;

/**
 * How eagerly the nodes of a local cluster poll their data plane while they wait. A waiting compute thread polls
 * with a backoff that parks up to {@code descent.transport.receiver.idle-max-park} (100 µs by default). With a free
 * core that wake-up costs nothing; when the nodes' busy threads (each worker's BLAS threads, plus the parameter
 * server) outnumber the cores, every wake-up takes a core from a computing worker, about 2,000 times a second per
 * waiting node. Measured on 2 cores, 2 workers: 13.7 ms a step with 100 µs parks, 11.3 ms with 1 ms parks;
 * 1 worker: 7.6 ms and 8.5 ms. So an oversubscribed local cluster parks up to {@value #OVERSUBSCRIBED_PARK}, unless
 * the property is set.
 */
final class PollingBudget
{
    static final String PROPERTY = "descent.transport.receiver.idle-max-park";
    static final String OVERSUBSCRIBED_PARK = "1ms";

    private PollingBudget()
    {
    }

    /**
     * @param workers    worker processes.
     * @param threads    BLAS threads per process.
     * @param cores      processors of this host.
     * @param configured the property's value in this JVM, or null.
     * @return the JVM flags for the children: the longer park when oversubscribed and not configured, else none.
     */
    static List<String> childFlags(final int workers, final int threads, final int cores, final String configured)
    {
        final long busy = (long)workers * threads + 1;
        return null == configured && busy > cores ? List.of("-D" + PROPERTY + "=" + OVERSUBSCRIBED_PARK) : List.of();
    }
}
