package io.descent.cluster.server;

import java.util.Arrays;

/**
 * What each rank last delivered, for backup steps ({@link io.descent.cluster.Consistency.Mode#BACKUP}): a worker arms
 * the two versions after the step it starts computing, so once it delivered step s (in time, or late: after its step
 * closed without it) it can take the weights of s + 2. Late gradients are recorded here (both halves, then counted
 * once) and dropped, never summed. Confined to the server's compute thread.
 */
final class Stragglers
{
    private static final long NONE = Long.MIN_VALUE / 2;

    private final long[] delivered;
    private final long[] lateData;
    private final long[] lateMeta;
    private long late;

    /** @param ranks the job's ranks. */
    Stragglers(final int ranks)
    {
        delivered = new long[ranks];
        lateData = new long[ranks];
        lateMeta = new long[ranks];
        Arrays.fill(delivered, NONE);
        Arrays.fill(lateData, NONE);
        Arrays.fill(lateMeta, NONE);
    }

    /** {@code rank} delivered {@code step} in time. */
    void delivered(final int rank, final long step)
    {
        delivered[rank] = Math.max(delivered[rank], step);
    }

    /**
     * The data of {@code rank}'s gradient of {@code step}, a step that closed without it, arrived.
     *
     * @return false for a duplicate or for a step it already delivered.
     */
    boolean onLateData(final int rank, final long step)
    {
        return arrive(rank, step, lateData, lateMeta);
    }

    /** As {@link #onLateData}, for the gradient's report. */
    boolean onLateMeta(final int rank, final long step)
    {
        return arrive(rank, step, lateMeta, lateData);
    }

    private boolean arrive(final int rank, final long step, final long[] half, final long[] other)
    {
        if (step <= delivered[rank] || half[rank] == step)
        {
            return false;
        }
        half[rank] = step;
        if (other[rank] == step)
        {
            delivered[rank] = step;
            late++;
        }
        return true;
    }

    /** @return the last step {@code rank} delivered, or a large negative number when none since it became live. */
    long lastDelivered(final int rank)
    {
        return delivered[rank];
    }

    /** A rank was lost: whoever takes it later starts with nothing delivered. */
    void forget(final int rank)
    {
        delivered[rank] = NONE;
        lateData[rank] = NONE;
        lateMeta[rank] = NONE;
    }

    /** @return late gradients received complete and dropped so far. */
    long late()
    {
        return late;
    }
}
