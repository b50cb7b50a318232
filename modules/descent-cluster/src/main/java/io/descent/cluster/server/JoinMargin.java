package io.descent.cluster.server;

/**
 * How far ahead of the running step a worker joining the job is told to start, so that it is armed before that
 * step's weights go out even when the control round trip (Accepted, arming, Ready, admission) spans many steps. The
 * margin covers the longest round trip measured so far (registration handshakes of this job) at the recent step time,
 * with a floor of {@link #MIN_STEPS}, unless a fixed margin is configured ({@code descent.cluster.join-margin}), and
 * doubles with each join step the worker missed; after {@link #MAX_RETRIES} misses the worker is refused.
 * Actor-confined (not thread-safe).
 */
final class JoinMargin
{
    /** The smallest margin, in steps. */
    static final long MIN_STEPS = 4;
    /** Join steps a worker may miss (each followed by a later one) before it is refused. */
    static final int MAX_RETRIES = 6;
    /** Headroom over the measured round trip: the estimate is a maximum of few samples. */
    private static final long SAFETY = 2;
    /** Step time is measured over windows of at least this long. */
    private static final long WINDOW_NS = 500_000_000L;

    private final long fixedSteps;
    private long roundTripNs;
    private long stepNs = -1;
    private long windowStep = -1;
    private long windowStartNs;
    /** False until a whole window was measured: until then the estimate follows every step. */
    private boolean windowed;

    /** A margin measured as the job runs ({@code join-margin = auto}). */
    JoinMargin()
    {
        this(0);
    }

    /** @param fixedSteps the margin in steps before any miss, or 0 to measure it. */
    JoinMargin(final long fixedSteps)
    {
        this.fixedSteps = fixedSteps;
    }

    /** A worker's control round trip (from its Accepted to its Ready) took {@code nanos}. */
    void onRoundTrip(final long nanos)
    {
        roundTripNs = Math.max(roundTripNs, nanos);
    }

    /** Step {@code step} was applied at {@code nowNs}: the step-time estimate follows it. */
    void onApplied(final long step, final long nowNs)
    {
        if (windowStep < 0 || step <= windowStep)
        {
            windowStep = step;
            windowStartNs = nowNs;
            return;
        }
        final long elapsed = nowNs - windowStartNs;
        if (elapsed >= WINDOW_NS || !windowed)
        {
            stepNs = Math.max(1, elapsed / (step - windowStep));
        }
        if (elapsed >= WINDOW_NS)
        {
            windowed = true;
            windowStep = step;
            windowStartNs = nowNs;
        }
    }

    /** @return the longest control round trip measured, in nanoseconds (0 before any). */
    long roundTripNanos()
    {
        return roundTripNs;
    }

    /** @return the recent step time in nanoseconds, or -1 before two steps were applied. */
    long stepNanos()
    {
        return stepNs;
    }

    /**
     * @param retries join steps the worker already missed.
     * @return the steps between the first step whose orders are not out yet and the worker's join step.
     */
    long steps(final int retries)
    {
        long steps = MIN_STEPS;
        if (fixedSteps > 0)
        {
            steps = fixedSteps;
        }
        else if (stepNs > 0)
        {
            steps = Math.max(steps, (SAFETY * roundTripNs + stepNs - 1) / stepNs);
        }
        return steps << Math.min(retries, 30);
    }
}
