package io.descent.cluster.server;

import io.descent.cluster.Consistency;

import java.util.BitSet;

/**
 * When a step may close, by the job's {@link Consistency}: under {@code sync} once every expected rank delivered;
 * under {@code backup} also as soon as all but {@code backup-workers} of them did, provided every live rank can take
 * the next step's weights: it delivered the step before this one (in time or late), so it has armed for the next
 * ({@link Stragglers}). A worker is thus at most one step behind. Counts late gradients and early closes.
 *
 * <p>With several server shards every shard must close a backup step on the same ranks: the coordinator decides as
 * above, from its own arrivals, and tells the others the ranks ({@link #follow}); a shard that follows never closes a
 * step on its own, not even when every expected rank came (the coordinator may have closed it on fewer). Confined to
 * the server's compute thread.
 */
final class StepClose
{
    private static final int[] NONE = new int[0];

    private final Consistency consistency;
    private final Stragglers stragglers;
    /** Another shard than the coordinator, under backup: it closes each step on the coordinator's ranks only. */
    private final boolean follows;
    /** A follower: the step whose ranks the coordinator told ({@link #follow}), and whether it left a rank out. */
    private long toldStep = -1;
    private boolean toldShort;
    private long closedEarly;

    /**
     * @param consistency the job's setting.
     * @param ranks       the job's ranks.
     * @param follower    true for a server shard other than the coordinator (of several).
     */
    StepClose(final Consistency consistency, final int ranks, final boolean follower)
    {
        this.consistency = consistency;
        this.stragglers = new Stragglers(ranks);
        this.follows = follower && consistency.mode() == Consistency.Mode.BACKUP;
    }

    /** @return true when steps close on the ranks the coordinator names ({@link #follow}), never on their own. */
    boolean follows()
    {
        return follows;
    }

    /**
     * A follower: the coordinator closed the {@code barrier}'s step on {@code ranks}. The barrier stops expecting
     * every other rank; what of their gradients came already counts as arrived late (both halves: one late gradient),
     * the rest will be late. Call it before anything of the step was folded.
     *
     * @return the ranks left out.
     */
    int[] follow(final StepBarrier barrier, final int[] ranks)
    {
        final int[] left = barrier.keepOnly(ranks);
        for (final int rank : left)
        {
            if (barrier.dataIn(rank))
            {
                stragglers.onLateData(rank, barrier.step());
            }
            if (barrier.metaIn(rank))
            {
                stragglers.onLateMeta(rank, barrier.step());
            }
        }
        toldStep = barrier.step();
        toldShort = left.length > 0;
        if (toldShort)
        {
            closedEarly++;
        }
        return left;
    }

    /**
     * @param barrier the step collecting.
     * @param live    the live ranks (each gets the next step).
     * @param sending true while the step's weights are still going out to some rank: a backup step then waits (an
     *                update would fail that send and lose the rank). A follower waits only until the coordinator named
     *                the step's ranks ({@link #follow}) and every one of them is in.
     * @return null while the step must wait; else the ranks it closes without (none for a full step), which the
     * barrier no longer expects: their gradients will be late.
     */
    int[] decide(final StepBarrier barrier, final BitSet live, final boolean sending)
    {
        if (follows)
        {
            // The coordinator's ranks, all in; a step that leaves a rank out waits for its weights to be out too.
            if (toldStep != barrier.step() || !barrier.isComplete() || (toldShort && sending))
            {
                return null;
            }
            book(barrier);
            return NONE;
        }
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
