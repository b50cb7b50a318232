package io.descent.bench.scale;

import io.descent.bench.scale.CeilingProcess.Window;

import java.util.List;
import java.util.Locale;

/**
 * Host-shared compute, measured with P processes in lockstep: a worker's forward + backward per step while P
 * compute-only processes share this host's cores (as many as a validated run has JVMs here), N of them synchronous
 * workers waiting for one another after every step ({@link SharedComputeProbe}). A sync step waits for the slowest
 * worker's compute, so its compute term is {@link #maxSeconds} (E over steps of the max over workers), not the
 * workers' mean. Immutable.
 *
 * @param processes   P, the processes computing at once.
 * @param workers     N, those of them in lockstep.
 * @param meanSeconds the workers' mean compute per step: each worker's own compute time (its barrier waits left out)
 *                    per step, averaged over the workers.
 * @param maxSeconds  the lockstep step per worker: a worker's window (compute and barrier waits) per step, averaged
 *                    over the workers; every step ends when the slowest worker's compute does, so this is
 *                    E[max over workers] plus the barrier's own hand-off.
 */
public record SharedCompute(int processes, int workers, double meanSeconds, double maxSeconds)
{
    /**
     * @param processes P.
     * @param windows   the lockstep window of each of the N workers.
     * @return the mean and E[max] per step of those windows.
     */
    static SharedCompute of(final int processes, final List<Window> windows)
    {
        if (windows.isEmpty() || processes < windows.size())
        {
            throw new IllegalArgumentException("at least one worker and no fewer processes than workers expected, " +
                "got " + windows.size() + " workers of " + processes + " processes");
        }
        double mean = 0;
        double max = 0;
        for (final Window window : windows)
        {
            final double steps = Math.max(1, window.steps());
            mean += window.computeSeconds() / steps;
            max += window.seconds() / steps;
        }
        return new SharedCompute(processes, windows.size(), mean / windows.size(), max / windows.size());
    }

    /** @return E[max] ÷ the mean: how much longer a sync step's compute is than a worker's mean, at least 1. */
    public double spread()
    {
        return meanSeconds > 0 ? Math.max(1.0, maxSeconds / meanSeconds) : 1.0;
    }

    /** @return e.g. "host-shared compute, measured with 3 processes in lockstep: 2 workers' E[max] 131.2 ms ...". */
    public String describe()
    {
        return String.format(Locale.ROOT, "host-shared compute, measured with %d process%s in lockstep: " +
            "%d %s E[max] %.1f ms a step, mean %.1f ms (×%.3f)", processes, processes == 1 ? "" : "es", workers,
            workers == 1 ? "worker's" : "workers'", maxSeconds * 1e3, meanSeconds * 1e3, spread());
    }
}
