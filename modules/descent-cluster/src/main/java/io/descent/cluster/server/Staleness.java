package io.descent.cluster.server;

import java.util.Arrays;

/**
 * How stale the applied gradients were, cumulative over a server's run. A gradient of step t was computed on weights
 * that held every gradient of every step before some step c (the first step not closed when those weights went out);
 * its <em>step staleness</em> is t − c, at most s under {@code ssp} and 0 under {@code sync}. Its <em>version lag</em>
 * counts the updates applied between the weights it was computed on and its own update (under {@code ssp} and
 * {@code async} the server's version advances with every applied gradient; under {@code sync} and {@code backup} a
 * step's gradients make one update, lag 0). Immutable.
 *
 * @param steps      by step staleness 0, 1, …: how many applied gradients had it (the last entry is the largest seen).
 * @param versionLag by version lag 0, 1, …: how many applied gradients had it.
 */
public record Staleness(long[] steps, long[] versionLag)
{
    /** Nothing applied yet. */
    public static final Staleness NONE = new Staleness(new long[0], new long[0]);

    /** Copies the arrays in. */
    public Staleness
    {
        steps = steps.clone();
        versionLag = versionLag.clone();
    }

    @Override
    public long[] steps()
    {
        return steps.clone();
    }

    @Override
    public long[] versionLag()
    {
        return versionLag.clone();
    }

    /** @return the largest step staleness of an applied gradient, or -1 when none was applied. */
    public int maxSteps()
    {
        return steps.length - 1;
    }

    /** @return the largest version lag of an applied gradient, or -1 when none was applied. */
    public int maxVersionLag()
    {
        return versionLag.length - 1;
    }

    /** @return gradients applied. */
    public long gradients()
    {
        return Arrays.stream(steps).sum();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Staleness that && Arrays.equals(steps, that.steps) &&
            Arrays.equals(versionLag, that.versionLag);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(steps) + Arrays.hashCode(versionLag);
    }

    @Override
    public String toString()
    {
        return "Staleness[steps=" + Arrays.toString(steps) + ", versionLag=" + Arrays.toString(versionLag) + "]";
    }
}
