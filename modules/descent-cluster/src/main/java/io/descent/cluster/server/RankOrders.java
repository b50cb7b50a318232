package io.descent.cluster.server;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Which ranks a step orders, and which data shards each computes: the live ranks, joiners admitted from a later step,
 * and (on a parameter-server shard other than the coordinator) ranks the coordinator dropped from a later step, which
 * stay in the orders until then, expected nowhere, so that every rank's example weight is the coordinator's. Shared by
 * the synchronous step cycle ({@link StepLoop}) and the one of ssp/async ({@link SspLoop}), which open steps at
 * different moments but admit, drop and plan ranks alike. Confined to the parameter server's compute thread.
 */
final class RankOrders
{
    /**
     * A step's plan: its barrier (expecting every ordered rank but those leaving later) and the orders to send (those
     * of ranks leaving later left out).
     *
     * @param barrier the step's barrier.
     * @param orders  the orders to send, in rank order.
     */
    record Planned(StepBarrier barrier, List<StepLoop.Order> orders)
    {
        /** @return the ranks the orders go to. */
        int[] ranks()
        {
            return orders.stream().mapToInt(StepLoop.Order::rank).toArray();
        }
    }

    private final StepPlan plan;
    private final BitSet live = new BitSet();
    /** By rank: the step a joiner is ordered from, or -1. */
    private final long[] joinAt;
    /** By rank: the step a dropped rank leaves the orders from (another shard than the coordinator), or -1. */
    private final long[] leaveAt;

    RankOrders(final StepPlan plan)
    {
        this.plan = plan;
        this.joinAt = new long[plan.shards()];
        Arrays.fill(joinAt, -1);
        this.leaveAt = new long[plan.shards()];
        Arrays.fill(leaveAt, -1);
    }

    /** The ranks ready at the first step are live. */
    void start(final int[] ranks)
    {
        for (final int rank : ranks)
        {
            live.set(rank);
        }
    }

    /** @return the live ranks (read only: the caller must not change it). */
    BitSet live()
    {
        return live;
    }

    /** @return true when {@code rank} is ordered new steps: live, and not leaving at a later step. */
    boolean ordered(final int rank)
    {
        return live.get(rank) && leaveAt[rank] < 0;
    }

    /** A rank was lost (the coordinator's decision): out of the orders from the next step planned, joiner or not. */
    void drop(final int rank)
    {
        live.clear(rank);
        joinAt[rank] = -1;
    }

    /**
     * The coordinator: decides whether a joiner armed for {@code step} can be ordered from it.
     *
     * @param next    the first step not planned yet.
     * @param sharded true for the coordinator of several shards: another shard may already have planned {@code next},
     *                so a joiner starts a step later than that.
     * @return -1 when it is admitted from {@code step}, else the first step it could be admitted from.
     */
    long admit(final int rank, final long step, final long next, final boolean sharded)
    {
        if (step < next || (sharded && step <= next))
        {
            return sharded ? next + 1 : next;
        }
        joinAt[rank] = step;
        return -1;
    }

    /**
     * Another shard: the coordinator admitted a joiner at {@code step}.
     *
     * @param next the first step this shard has not planned yet.
     * @throws IllegalStateException when this shard already planned {@code step}: the coordinator's rule was broken.
     */
    void join(final int rank, final long step, final long next)
    {
        if (step < next)
        {
            throw new IllegalStateException("worker rank " + rank + " joins at step " + step + ", but this shard " +
                "already ordered steps up to " + (next - 1));
        }
        // A drop still pending here takes effect first: its step is at most the coordinator's next step to order,
        // and the join step lies beyond it.
        joinAt[rank] = step;
    }

    /**
     * Another shard: the coordinator dropped {@code rank} from {@code from} on. A joiner admitted at or after it never
     * joins (the coordinator cleared its own).
     *
     * @param planned true when this shard already planned {@code from}: the rank leaves at once (the caller plans
     *                that step again); else it stays in the orders of the steps before {@code from}.
     */
    void leave(final int rank, final long from, final boolean planned)
    {
        if (joinAt[rank] >= from)
        {
            joinAt[rank] = -1;
        }
        if (planned)
        {
            live.clear(rank);
        }
        else
        {
            leaveAt[rank] = from;
        }
    }

    /**
     * Takes in the joins and leaves due at {@code step}, the next step to plan.
     *
     * @return the ranks that join at it.
     */
    List<Integer> enter(final long step)
    {
        final List<Integer> joined = new ArrayList<>();
        for (int rank = 0; rank < joinAt.length; rank++)
        {
            if (joinAt[rank] >= 0 && joinAt[rank] <= step)
            {
                live.set(rank);
                joinAt[rank] = -1;
                joined.add(rank);
            }
            if (leaveAt[rank] >= 0 && leaveAt[rank] <= step)
            {
                live.clear(rank);
                leaveAt[rank] = -1;
            }
        }
        return joined;
    }

    /**
     * Orders {@code step} to the live ranks, each its data shards ({@link Roster#shardsOf}). A rank leaving at a later
     * step is still ordered, so every rank's example weight is the coordinator's, but not expected (the step completes
     * without it) nor sent its order.
     */
    Planned plan(final long step)
    {
        final int[] ordered = live.stream().toArray();
        final List<StepLoop.Order> orders = new ArrayList<>();
        final List<StepLoop.Order> sent = new ArrayList<>();
        for (final int rank : ordered)
        {
            final StepLoop.Order order = new StepLoop.Order(rank, new StepOrder(step, plan.epochOf(step),
                plan.batchOf(step), Roster.shardsOf(live, rank, plan.shards())));
            orders.add(order);
            if (leaveAt[rank] < 0)
            {
                sent.add(order);
            }
        }
        final StepBarrier barrier = new StepBarrier(step, ordered, StepLoop.Order.rowsByRank(plan, orders));
        for (final int rank : ordered)
        {
            if (leaveAt[rank] >= 0)
            {
                barrier.drop(rank);
            }
        }
        return new Planned(barrier, sent);
    }
}
