package io.descent.cluster.server;

import io.descent.cluster.Consistency;

import java.util.BitSet;

/**
 * When a step may close, by the job's {@link Consistency}: under {@code sync} once every expected rank delivered;
 * under {@code backup} also as soon as all but {@code backup-workers} of them did, provided every live rank can take
 * the next step's weights: it delivered the step before this one (in time or late), so it has armed for the next
 * ({@link Stragglers}). A worker is thus at most one step behind. Counts late gradients and early closes. Confined to
 * the server's compute thread.
 */
final class StepClose
{
    private static final int[] NONE = new int[0];

    private final Consistency consistency;
    private final Stragglers stragglers;
    private long closedEarly;

    /**
     * @param consistency the job's setting.
     * @param ranks       the job's ranks.
     */
    StepClose(final Consistency consistency, final int ranks)
    {
        this.consistency = consistency;
        this.stragglers = new Stragglers(ranks);
    }

    /**
     * @param barrier the step collecting.
     * @param live    the live ranks (each gets the next step).
     * @param sending true while the step's weights are still going out to some rank: a backup step then waits (an
     *                update would fail that send and lose the rank).
     * @return null while the step must wait; else the ranks it closes without (none for a full step), which the
     * barrier no longer expects: their gradients will be late.
     */
    int[] decide(final StepBarrier barrier, final BitSet live, final boolean sending)
    {
        if (barrier.isComplete())
        {
            book(barrier);
            return NONE;
        }
        if (consistency.mode() != Consistency.Mode.BACKUP || sending ||
            !consistency.mayClose(barrier.deliveredCount(), barrier.expectedCount()))
        {
            return null;
        }
        for (int rank = live.nextSetBit(0); rank >= 0; rank = live.nextSetBit(rank + 1))
        {
            if (!barrier.delivered(rank) && stragglers.lastDelivered(rank) < barrier.step() - 1)
            {
                return null;
            }
        }
        book(barrier);
        final int[] left = barrier.closeEarly();
        closedEarly++;
        return left;
    }

    private void book(final StepBarrier barrier)
    {
        for (final int rank : barrier.contributors())
        {
            stragglers.delivered(rank, barrier.step());
        }
    }

    /** @return true when this was the data of a late gradient (its step closed without it): dropped. */
    boolean onLateData(final long step, final int rank)
    {
        return consistency.mode() == Consistency.Mode.BACKUP && stragglers.onLateData(rank, step);
    }

    /** @return true when this was the report of a late gradient; counted once both halves are in. */
    boolean onLateMeta(final long step, final int rank)
    {
        return consistency.mode() == Consistency.Mode.BACKUP && stragglers.onLateMeta(rank, step);
    }

    /** A rank was lost: a worker taking it later has delivered nothing yet. */
    void drop(final int rank)
    {
        stragglers.forget(rank);
    }

    /** @return late gradients dropped so far (complete, for a step that had closed without them). */
    long late()
    {
        return stragglers.late();
    }

    /** @return steps closed before every expected gradient was in. */
    long closedEarly()
    {
        return closedEarly;
    }
}
