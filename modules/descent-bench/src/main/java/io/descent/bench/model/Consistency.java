package io.descent.bench.model;

import java.util.Locale;

/** The consistency models the step-time model knows (descent.cluster.consistency). */
public enum Consistency
{
    /** Every step waits for every worker: compute, push, server, pull in sequence. */
    SYNC,
    /** Closes on N − b workers; with equal workers the model predicts sync's step. */
    BACKUP,
    /** Bounded staleness: a worker's communication overlaps its next computation. */
    SSP,
    /** No barrier: as SSP, without its bound. */
    ASYNC;

    /** @return whether a worker's communication overlaps its computation (no per-step barrier). */
    boolean overlapped()
    {
        return this == SSP || this == ASYNC;
    }

    /**
     * @param text a name as descent.cluster.consistency takes it.
     * @return the model, or null when the name is none of them.
     */
    static Consistency parse(final String text)
    {
        for (final Consistency model : values())
        {
            if (model.name().toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT)))
            {
                return model;
            }
        }
        return null;
    }

    @Override
    public String toString()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
