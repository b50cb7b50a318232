package io.descent.cluster.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a node still makes progress: once told to {@link #expect} it, the node is stalled when no
 * {@link #onProgress() progress} came for longer than allowed. Stays quiet while not expecting progress (before
 * training starts, while waiting for workers, after the job). The health is computed when asked (a scrape), from a
 * monotonic clock, so nothing has to run for a hung node to be seen as hung.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
final class ProgressWatch
{
    private final LongSupplier nanoClock;
    private volatile Expectation expectation;
    private volatile long lastProgressNs;

    /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a settable one in tests). */
    ProgressWatch(final LongSupplier nanoClock)
    {
        this.nanoClock = nanoClock;
    }

    /**
     * From now on, progress is due at least every {@code within}; the clock starts now.
     *
     * @param within longest allowed time without progress, {@code > 0}.
     * @param rule   what {@code within} is made of, for the unhealthy reason (e.g. which timeouts add up to it).
     */
    void expect(final Duration within, final String rule)
    {
        if (within.isNegative() || within.isZero())
        {
            throw new IllegalArgumentException("the progress deadline must be > 0, was " + within);
        }
        lastProgressNs = nanoClock.getAsLong();
        expectation = new Expectation(within.toNanos(), rule);
    }

    /** Progress is no longer expected (the node is legitimately idle or done). */
    void stop()
    {
        expectation = null;
    }

    /** The node made progress (e.g. completed a step). */
    void onProgress()
    {
        lastProgressNs = nanoClock.getAsLong();
    }

    /** @return healthy, or unhealthy with how long the node has been without progress and what was allowed. */
    Health health()
    {
        final Expectation due = expectation;
        if (null == due)
        {
            return Health.OK;
        }
        final long idleNs = nanoClock.getAsLong() - lastProgressNs;
        if (idleNs <= due.allowedNs())
        {
            return Health.OK;
        }
        return new Health(false, "stalled: no step completed for " + seconds(idleNs) + " s, more than the " +
            seconds(due.allowedNs()) + " s allowed (" + due.rule() + "); the node looks hung");
    }

    private static long seconds(final long nanos)
    {
        return Duration.ofNanos(nanos).toSeconds();
    }

    private record Expectation(long allowedNs, String rule)
    {
    }
}
