package io.descent.cluster.server;

import java.util.Arrays;

/**
 * Counts each applied gradient's step staleness and version lag ({@link Staleness}) as the server applies it.
 * Confined to the server's compute thread.
 */
final class StalenessTally
{
    private long[] steps = new long[4];
    private long[] versionLag = new long[4];
    private int maxSteps = -1;
    private int maxLag = -1;

    /**
     * One gradient applied.
     *
     * @param stepStaleness its step minus the first step not closed when its weights went out (≥ 0).
     * @param lag           updates applied between those weights and its own (≥ 0).
     */
    void record(final long stepStaleness, final long lag)
    {
        final int s = Math.toIntExact(stepStaleness);
        final int v = Math.toIntExact(lag);
        steps = grown(steps, s);
        versionLag = grown(versionLag, v);
        steps[s]++;
        versionLag[v]++;
        maxSteps = Math.max(maxSteps, s);
        maxLag = Math.max(maxLag, v);
    }

    /** {@code count} gradients applied with no staleness (the ranks of a synchronous step). */
    void recordFresh(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            record(0, 0);
        }
    }

    /** @return the counts so far. */
    Staleness snapshot()
    {
        return new Staleness(Arrays.copyOf(steps, maxSteps + 1), Arrays.copyOf(versionLag, maxLag + 1));
    }

    private static long[] grown(final long[] counts, final int index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException("a staleness below 0: " + index);
        }
        return index < counts.length ? counts : Arrays.copyOf(counts, Math.max(index + 1, 2 * counts.length));
    }
}
