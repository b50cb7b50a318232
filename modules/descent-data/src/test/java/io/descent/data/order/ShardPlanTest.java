package io.descent.data.order;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardPlanTest
{
    private static final long SEED = 42;

    private static int[][] shards(final int n, final int workers, final long seed, final int epoch)
    {
        final int[][] shards = new int[workers][];
        for (int rank = 0; rank < workers; rank++)
        {
            shards[rank] = new ShardPlan(n, workers, rank, seed).indices(epoch);
        }
        return shards;
    }

    @ParameterizedTest
    @CsvSource({"1,1", "10,1", "10,3", "100,4", "101,4", "1000,7", "5,8", "60000,3"})
    void shouldCoverEveryRowExactlyOnceWithDisjointShards(final int n, final int workers)
    {
        for (int epoch = 0; epoch < 3; epoch++)
        {
            final int[] seen = new int[n];
            int smallest = Integer.MAX_VALUE;
            int largest = 0;
            for (final int[] shard : shards(n, workers, SEED, epoch))
            {
                smallest = Math.min(smallest, shard.length);
                largest = Math.max(largest, shard.length);
                for (final int row : shard)
                {
                    seen[row]++;
                }
            }
            final int[] once = new int[n];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen, "epoch " + epoch);
            assertTrue(largest - smallest <= 1, "shard sizes differ by more than 1: " + smallest + ".." + largest);
        }
    }

    @ParameterizedTest
    @CsvSource({"10,3", "101,4", "1000,7"})
    void shouldReportShardSizesThatMatchTheIndices(final int n, final int workers)
    {
        int total = 0;
        for (int rank = 0; rank < workers; rank++)
        {
            final ShardPlan plan = new ShardPlan(n, workers, rank, SEED);
            assertEquals(plan.shardSize(), plan.indices(5).length);
            assertEquals(n / workers, plan.minShardSize());
            assertEquals(total, ShardPlan.shardStart(n, workers, rank));
            total += plan.shardSize();
        }
        assertEquals(n, total);
    }

    @ParameterizedTest
    @CsvSource({"100,1", "101,4", "1000,7"})
    void shouldBeStableForASeed(final int n, final int workers)
    {
        for (int epoch = 0; epoch < 3; epoch++)
        {
            assertArrayEquals(shards(n, workers, SEED, epoch), shards(n, workers, SEED, epoch));
        }
    }

    @ParameterizedTest
    @CsvSource({"100,1", "101,4", "1000,7"})
    void shouldChangeAcrossEpochsAndSeeds(final int n, final int workers)
    {
        final int[][] epoch0 = shards(n, workers, SEED, 0);
        for (int rank = 0; rank < workers; rank++)
        {
            assertFalse(Arrays.equals(epoch0[rank], shards(n, workers, SEED, 1)[rank]), "rank " + rank);
            assertFalse(Arrays.equals(epoch0[rank], shards(n, workers, SEED + 1, 0)[rank]), "rank " + rank);
        }
    }

    @ParameterizedTest
    @CsvSource({"1000,3"})
    void shouldCutTheEpochPermutationIntoContiguousParts(final int n, final int workers)
    {
        final int[] permutation = EpochOrder.permutation(n, SEED, 2);
        final int[] concatenated = Arrays.stream(shards(n, workers, SEED, 2)).flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(permutation, concatenated);
        assertArrayEquals(permutation, new ShardPlan(n, 1, 0, SEED).indices(2));
    }
}
