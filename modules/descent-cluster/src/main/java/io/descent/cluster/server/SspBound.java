package io.descent.cluster.server;

import java.util.Arrays;

/**
 * The staleness bound of {@code ssp} (none for {@code async}): a worker may start step t only once every live
 * worker's gradients up to step t − s − 1 are applied, that is once every step up to t − s − 1 has closed. Knows the
 * steps closed so far (in order) and the ranks the bound holds back, each with the step it waits to start. Confined to
 * the server's compute thread.
 */
final class SspBound
{
    /** The staleness of {@code async}: no bound. */
    static final int UNBOUNDED = -1;
    private static final long NONE = -1;

    private final int staleness;
    private final long[] held;
    private long closedUpTo;

    /**
     * @param staleness s ≥ 0, or {@link #UNBOUNDED}.
     * @param firstStep the job's first step here (0, or a checkpoint's step): every step before it counts as closed.
     * @param ranks     the job's ranks.
     */
    SspBound(final int staleness, final long firstStep, final int ranks)
    {
        this.staleness = staleness;
        this.closedUpTo = firstStep - 1;
        this.held = new long[ranks];
        Arrays.fill(held, NONE);
    }

    /** @return true when a worker may start {@code step} now: every step up to {@code step − s − 1} closed. */
    boolean allows(final long step)
    {
        return staleness == UNBOUNDED || step - staleness - 1 <= closedUpTo;
    }

    /** @return the first step not closed: the weights hold every gradient of every step before it. */
    long firstOpen()
    {
        return closedUpTo + 1;
    }

    /**
     * Step {@code step} closed: every live rank's gradient of it is applied (or the rank was lost).
     *
     * @throws IllegalStateException when it is not the first open step (steps close in order).
     */
    void closed(final long step)
    {
        if (step != closedUpTo + 1)
        {
            throw new IllegalStateException("step " + step + " closed while step " + (closedUpTo + 1) + " is open");
        }
        closedUpTo = step;
    }

    /** The bound holds {@code rank} back from {@code step} (it delivered the step before). */
    void hold(final int rank, final long step)
    {
        held[rank] = step;
    }

    /** @return the step {@code rank} is held back from, or -1 when it is not held. */
    long heldStep(final int rank)
    {
        return held[rank];
    }

    /** A rank was lost: it is no longer held. */
    void forget(final int rank)
    {
        held[rank] = NONE;
    }

    /**
     * @return the ranks held back whose step the bound now allows, in increasing order; they are no longer held
     * (read each one's step with {@link #heldStep} before calling this, or from the caller's books).
     */
    int[] release()
    {
        int count = 0;
        final int[] ranks = new int[held.length];
        for (int rank = 0; rank < held.length; rank++)
        {
            if (held[rank] != NONE && allows(held[rank]))
            {
                ranks[count++] = rank;
                held[rank] = NONE;
            }
        }
        return Arrays.copyOf(ranks, count);
    }
}
