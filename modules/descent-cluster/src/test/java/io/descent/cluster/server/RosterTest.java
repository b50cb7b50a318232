package io.descent.cluster.server;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.worker.StepCompute;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ranks: preferred when free, else the lowest free; lost shards go round the live workers; joiners take them back. */
class RosterTest
{
    @Test
    void shouldGiveThePreferredRankWhenFree()
    {
        final Roster roster = new Roster(3);
        assertEquals(2, roster.add(member(), 2));
        assertEquals(0, roster.add(member(), 2), "taken: the lowest free rank");
        assertEquals(1, roster.add(member(), -1));
        assertEquals(-1, roster.add(member(), -1), "full");
    }

    @Test
    void shouldReassignLostShardsAndGiveThemBackToAJoiner()
    {
        final Roster roster = new Roster(4);
        for (int i = 0; i < 4; i++)
        {
            roster.add(member(), -1);
        }
        roster.get(1).live = false;
        roster.get(2).live = false;
        assertArrayEquals(new int[]{ 0, 3 }, roster.liveRanks());
        assertArrayEquals(new int[]{ 0, 2 }, shardsOf(roster, 0), "shard 2 goes to live[2 % 2] = rank 0");
        assertArrayEquals(new int[]{ 1, 3 }, shardsOf(roster, 3), "shard 1 goes to live[1 % 2] = rank 3");
        final Roster.Member joiner = member();
        assertEquals(2, roster.replaceLost(joiner, 2));
        joiner.live = true;
        assertArrayEquals(new int[]{ 1, 2 }, shardsOf(roster, 2), "its own shard, and lost shard 1 = live[1 % 3]");
        assertEquals(1, roster.replaceLost(member(), -1));
        assertEquals(-1, roster.replaceLost(member(), -1), "no lost rank left");
    }

    @Test
    void shouldGiveEveryRankOfAFullJobItsOwnShardAsStepComputeAssumes()
    {
        final StepPlan plan = new StepPlan(100, 4, 5, 2, 3L);
        final BitSet all = new BitSet();
        all.set(0, 4);
        for (int rank = 0; rank < 4; rank++)
        {
            for (final long step : new long[]{ 0, 7, plan.totalSteps() - 1 })
            {
                assertArrayEquals(Roster.shardsOf(all, rank, 4), StepCompute.ownShard(plan, step, rank).shards());
                assertEquals(plan.batchOf(step), StepCompute.ownShard(plan, step, rank).batch());
                assertEquals(plan.epochOf(step), StepCompute.ownShard(plan, step, rank).epoch());
            }
        }
    }

    private static int[] shardsOf(final Roster roster, final int rank)
    {
        final BitSet live = new BitSet();
        for (final int each : roster.liveRanks())
        {
            live.set(each);
        }
        return Roster.shardsOf(live, rank, roster.size());
    }

    private static Roster.Member member()
    {
        return new Roster.Member(null, "mem:x", "host", 1);
    }
}
