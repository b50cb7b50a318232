package io.descent.cluster.server;

import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.WorkerStats;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the workers' time went in one epoch: the means, over the workers that computed in it, of their compute
 * seconds and their communication (push + wait) seconds in that epoch. Taken as differences of the cumulative
 * {@link WorkerStats} each gradient report carries, so exact to the epoch's last step; a rank whose process changed
 * (a replacement joined) counts from its new process's zero.
 *
 * @param workers        workers that computed in the epoch.
 * @param computeSeconds mean forward + backward seconds per worker.
 * @param commSeconds    mean push + wait seconds per worker.
 */
public record EpochWorkerTime(int workers, double computeSeconds, double commSeconds)
{
    /** No worker reported in the epoch. */
    public static final EpochWorkerTime NONE = new EpochWorkerTime(0, 0.0, 0.0);

    /** Keeps the counters seen at the previous epoch's end, to take the next epoch's differences. Actor-confined. */
    static final class Tracker
    {
        private static final WorkerStats ZERO = new WorkerStats(0, "", 0, 0, 0.0, 0.0, 0.0, 0, TransportStats.NONE);
        private final Map<Integer, WorkerStats> previous = new HashMap<>();

        /**
         * @param now every worker's latest cumulative counters at the end of an epoch.
         * @return the epoch's time since the previous call.
         */
        EpochWorkerTime epochEnded(final List<WorkerStats> now)
        {
            int workers = 0;
            double compute = 0.0;
            double comm = 0.0;
            for (final WorkerStats stats : now)
            {
                final WorkerStats before = previous.get(stats.rank());
                final WorkerStats base = null != before && before.pid() == stats.pid() &&
                    before.host().equals(stats.host()) ? before : ZERO;
                if (stats.samples() > base.samples())
                {
                    workers++;
                    compute += stats.computeSeconds() - base.computeSeconds();
                    comm += stats.pushSeconds() + stats.waitSeconds() - base.pushSeconds() - base.waitSeconds();
                }
                previous.put(stats.rank(), stats);
            }
            return workers == 0 ? NONE : new EpochWorkerTime(workers, compute / workers, comm / workers);
        }
    }
}
