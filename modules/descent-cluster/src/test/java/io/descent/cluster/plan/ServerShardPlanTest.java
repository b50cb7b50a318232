package io.descent.cluster.plan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerShardPlanTest
{
    private static final long KIB256 = ServerShardPlan.DEFAULT_MIN_BYTES;

    @Test
    void shouldKeepOneRangeForOneServer()
    {
        final ServerShardPlan plan = ServerShardPlan.of(101_770, 1, KIB256);
        assertEquals(1, plan.shards());
        assertArrayEquals(new long[]{0, 101_770}, plan.bounds());
    }

    @Test
    void shouldCutIntoContiguousAlignedRangesOfNearlyEqualBytes()
    {
        // mlp-l 784-2048-2048-10: 5,824,522 floats (23 MB) over 3 servers.
        final long floats = 784 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 10 + 10;
        final ServerShardPlan plan = ServerShardPlan.of(floats, 3, KIB256);
        assertEquals(3, plan.shards());
        long covered = 0;
        for (int shard = 0; shard < plan.shards(); shard++)
        {
            assertEquals(covered, plan.offset(shard), "contiguous");
            covered += plan.length(shard);
            if (shard < plan.shards() - 1)
            {
                assertEquals(0, (plan.offset(shard) + plan.length(shard)) % ServerShardPlan.ALIGN_FLOATS,
                    "inner boundaries aligned");
            }
        }
        assertEquals(floats, covered, "every float in exactly one range");
        final long ideal = floats / 3;
        for (int shard = 0; shard < plan.shards(); shard++)
        {
            assertTrue(Math.abs(plan.length(shard) - ideal) <= ServerShardPlan.ALIGN_FLOATS,
                "balanced within one block: " + plan);
        }
    }

    @Test
    void shouldGiveFewerShardsThanAskedWhenRangesWouldFallBelowTheFloor()
    {
        // 136,193 floats = 544,772 bytes: two ranges of 256 KiB, not four.
        final ServerShardPlan plan = ServerShardPlan.of(136_193, 4, KIB256);
        assertEquals(2, plan.shards());
        assertEquals(4, plan.requested());
        assertTrue(plan.length(0) * 4L >= KIB256 && plan.length(1) * 4L >= KIB256, plan.toString());
        assertEquals(1, ServerShardPlan.of(1_000, 8, KIB256).shards(), "a tiny model keeps one server");
    }

    @Test
    void shouldLowerTheFloorWhenAsked()
    {
        final ServerShardPlan plan = ServerShardPlan.of(25_450, 2, 4096);
        assertEquals(2, plan.shards());
        assertArrayEquals(new long[]{0, 12 * 1024, 25_450}, plan.bounds());
    }

    @Test
    void shouldRebuildFromBoundsAndRefuseBadOnes()
    {
        final ServerShardPlan plan = ServerShardPlan.of(5_000_000, 4, KIB256);
        assertArrayEquals(plan.bounds(), ServerShardPlan.ofBounds(plan.bounds()).bounds());
        assertThrows(IllegalArgumentException.class, () -> ServerShardPlan.ofBounds(new long[]{0, 10, 10}));
        assertThrows(IllegalArgumentException.class, () -> ServerShardPlan.ofBounds(new long[]{1, 10}));
        assertThrows(IllegalArgumentException.class, () -> ServerShardPlan.of(10, 0, KIB256));
        assertThrows(IllegalArgumentException.class, () -> ServerShardPlan.of(10, 1, 100));
    }
}
