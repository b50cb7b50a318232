package io.descent.cluster.metrics;

import io.descent.cluster.SecurityStatus;
import io.descent.cluster.worker.WorkerObserver;

import java.time.Duration;

/**
 * Feeds a worker's {@link NodeMetrics} from what the worker does: its rank once accepted, its steps and traffic, and
 * when a step is due. Progress is judged only while the worker trains: from its acceptance by a parameter server until
 * it loses that server. A worker waiting for a lost server to come back is idle by design, bounded by
 * {@code descent.cluster.server-lost-timeout} (past it the worker fails, and {@code /health} says so), so it must not
 * look hung: a liveness probe would restart the pod, and on Kubernetes each restart spends the workers' Job
 * {@code backoffLimit}. Thread-safety: as {@link WorkerObserver}; every call goes to thread-safe {@link NodeMetrics}.
 */
public final class WorkerMetricsFeed implements WorkerObserver
{
    private final NodeMetrics metrics;
    private final Duration within;
    private final String rule;

    /**
     * @param metrics the worker's metrics.
     * @param within  the longest time a step may take to come while training, {@code > 0}.
     * @param rule    what {@code within} is made of, for the unhealthy reason.
     */
    public WorkerMetricsFeed(final NodeMetrics metrics, final Duration within, final String rule)
    {
        this.metrics = metrics;
        this.within = within;
        this.rule = rule;
    }

    @Override
    public void onAccepted(final int rank, final int workers)
    {
        metrics.assignRank(rank);
        metrics.expectProgress(within, rule);
    }

    @Override
    public void onDataPlane(final String auth)
    {
        final SecurityStatus before = metrics.security();
        if (null != before)
        {
            metrics.setSecurity(new SecurityStatus(before.controlPlane(), auth, before.clusterKey()));
        }
    }

    @Override
    public void onServerLost(final String reason)
    {
        metrics.stopExpectingProgress();
    }

    @Override
    public void onStep(
        final long step, final double seconds, final double waitSeconds, final long examples, final long bytesReceived,
        final long bytesSent)
    {
        metrics.onStep(Math.max(0.0, seconds), Math.max(0.0, waitSeconds), examples);
        metrics.onBytes(bytesReceived, bytesSent);
    }
}
