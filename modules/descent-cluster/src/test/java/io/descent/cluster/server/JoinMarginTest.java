package io.descent.cluster.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The join margin: the measured round trip over the recent step time, a floor, doubling per miss. */
class JoinMarginTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldUseTheFloorBeforeAnythingIsMeasured()
    {
        final JoinMargin margin = new JoinMargin();
        assertEquals(JoinMargin.MIN_STEPS, margin.steps(0));
        assertEquals(-1, margin.stepNanos());
    }

    @Test
    void shouldUseTheFloorWhenStepsAreLongerThanTheRoundTrip()
    {
        final JoinMargin margin = new JoinMargin();
        margin.onRoundTrip(2 * MS);
        applySteps(margin, 0, 10, 1000 * MS);
        assertEquals(1000 * MS, margin.stepNanos());
        assertEquals(JoinMargin.MIN_STEPS, margin.steps(0));
    }

    @Test
    void shouldKeepAFixedMarginWhateverItMeasuresAndDoubleItPerMiss()
    {
        final JoinMargin margin = new JoinMargin(8);
        margin.onRoundTrip(30 * MS);
        applySteps(margin, 0, 4000, MS / 4);
        assertEquals(8, margin.steps(0), "configured, not 2 × 30 ms / 0.25 ms");
        assertEquals(32, margin.steps(2));
    }

    @Test
    void shouldCoverTwiceTheLongestRoundTripAtTheRecentStepTime()
    {
        final JoinMargin margin = new JoinMargin();
        margin.onRoundTrip(30 * MS);
        margin.onRoundTrip(5 * MS);
        applySteps(margin, 0, 4000, MS / 4);
        assertEquals(30 * MS, margin.roundTripNanos(), "the longest one");
        assertEquals(MS / 4, margin.stepNanos());
        assertEquals(240, margin.steps(0), "2 × 30 ms / 0.25 ms");
    }

    @Test
    void shouldDoubleTheMarginWithEachMiss()
    {
        final JoinMargin margin = new JoinMargin();
        margin.onRoundTrip(10 * MS);
        applySteps(margin, 0, 2000, MS);
        assertEquals(20, margin.steps(0));
        assertEquals(40, margin.steps(1));
        assertEquals(80, margin.steps(2));
        assertEquals(20L << JoinMargin.MAX_RETRIES, margin.steps(JoinMargin.MAX_RETRIES));
    }

    @Test
    void shouldFollowTheStepTimeWhenItChanges()
    {
        final JoinMargin margin = new JoinMargin();
        margin.onRoundTrip(10 * MS);
        final long now = applySteps(margin, 0, 1000, 10 * MS);
        assertEquals(JoinMargin.MIN_STEPS, margin.steps(0));
        // Within a window or two of the change (a window is at least half a second).
        applySteps(margin, 1000, 21_000, MS / 10, now);
        assertEquals(MS / 10, margin.stepNanos());
        assertEquals(200, margin.steps(0));
    }

    private static long applySteps(final JoinMargin margin, final long from, final long to, final long stepNs)
    {
        return applySteps(margin, from, to, stepNs, 0);
    }

    /** Applies steps {@code from} (inclusive) to {@code to} (exclusive), one every {@code stepNs} after {@code t0}. */
    private static long applySteps(
        final JoinMargin margin, final long from, final long to, final long stepNs, final long t0)
    {
        long now = t0;
        for (long step = from; step < to; step++)
        {
            now += stepNs;
            margin.onApplied(step, now);
        }
        return now;
    }
}
