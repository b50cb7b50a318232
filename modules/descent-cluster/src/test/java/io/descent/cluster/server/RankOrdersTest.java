package io.descent.cluster.server;

import io.descent.cluster.plan.StepPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ranks a step orders ({@link RankOrders}), shared by the sync and ssp/async step cycles: a rank leaving at a
 * later step stays in the orders (its examples weigh as the coordinator's) but is neither sent its order nor
 * expected; from its step on its data shard goes to a live rank; joiners are admitted no earlier than the shards
 * allow and enter at their step.
 */
class RankOrdersTest
{
    /** Three ranks, 30 examples each a step. */
    private final StepPlan plan = new StepPlan(900, 3, 30, 2, 7);

    @Test
    void shouldKeepALeavingRankInTheOrdersUntilItsStepThenGiveItsShardAway()
    {
        final RankOrders orders = new RankOrders(plan);
        orders.start(new int[]{ 0, 1, 2 });
        orders.leave(2, 5, false);
        assertFalse(orders.ordered(2), "no new step for a leaving rank");
        assertTrue(orders.live().get(2), "still in the orders before its step");

        assertEquals(List.of(), orders.enter(4));
        final RankOrders.Planned before = orders.plan(4);
        assertArrayEquals(new int[]{ 0, 1 }, before.ranks(), "its order is not sent");
        assertEquals(1.0 / 3, before.barrier().plannedWeight(0), 1e-12, "weighed over all three ranks' examples");
        assertArrayEquals(new int[]{ 0, 1 }, before.barrier().missing(), "not expected");

        orders.enter(5);
        final RankOrders.Planned after = orders.plan(5);
        assertArrayEquals(new int[]{ 0, 1 }, after.ranks());
        assertArrayEquals(new int[]{ 0, 2 }, after.orders().get(0).order().shards(), "rank 0 takes data shard 2");
        assertEquals(2.0 / 3, after.barrier().plannedWeight(0), 1e-12);
        assertFalse(orders.live().get(2));
    }

    @Test
    void shouldLeaveAtOnceWhenTheStepIsPlannedAlreadyAndCancelALaterJoin()
    {
        final RankOrders orders = new RankOrders(plan);
        orders.start(new int[]{ 0, 1, 2 });
        orders.join(1, 9, 6);
        orders.leave(1, 6, true);
        assertFalse(orders.live().get(1));
        assertEquals(List.of(), orders.enter(9), "the join at or after the drop's step is cancelled");
        assertArrayEquals(new int[]{ 0, 2 }, orders.plan(9).ranks());
    }

    @Test
    void shouldAdmitAJoinerOnlyWhereEveryShardCanStillOrderIt()
    {
        final RankOrders orders = new RankOrders(plan);
        orders.start(new int[]{ 0, 1 });
        assertEquals(4, orders.admit(2, 3, 4, false), "step 3 is ordered already");
        assertEquals(5, orders.admit(2, 4, 4, true), "another shard may have ordered step 4");
        assertEquals(-1, orders.admit(2, 5, 4, true));
        assertEquals(List.of(), orders.enter(4));
        assertEquals(List.of(2), orders.enter(5));
        assertTrue(orders.ordered(2));
        assertThrows(IllegalStateException.class, () -> orders.join(1, 3, 4), "a shard that ordered step 3");
    }
}
