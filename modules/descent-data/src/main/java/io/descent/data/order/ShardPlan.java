package io.descent.data.order;

import java.util.Arrays;

/**
 * Which rows worker {@code rank} of {@code workers} visits in each epoch.
 *
 * <p>Per epoch, the shared permutation {@link EpochOrder#permutation(int, long, long)} is cut into {@code workers}
 * contiguous parts; the first {@code n % workers} parts hold one row more than the others. So for a given epoch the
 * shards are disjoint, together cover every row exactly once, depend only on (n, workers, seed, epoch), and change
 * from epoch to epoch. With one worker the shard is the plain per-epoch shuffle.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShardPlan
{
    private final int size;
    private final int workers;
    private final int rank;
    private final long seed;

    /**
     * @param size    number of rows in the (training) dataset, ≥ 0.
     * @param workers number of workers, ≥ 1.
     * @param rank    this worker's rank in {@code 0..workers-1}.
     * @param seed    the job's shared seed; all workers must use the same one.
     */
    public ShardPlan(final int size, final int workers, final int rank, final long seed)
    {
        if (size < 0 || workers < 1 || rank < 0 || rank >= workers)
        {
            throw new IllegalArgumentException(
                "need size >= 0, workers >= 1, 0 <= rank < workers: size=" + size +
                ", workers=" + workers + ", rank=" + rank);
        }
        this.size = size;
        this.workers = workers;
        this.rank = rank;
        this.seed = seed;
    }

    /**
     * Number of rows of worker {@code rank}'s shard, the same in every epoch.
     *
     * @param size    number of rows, ≥ 0.
     * @param workers number of workers, ≥ 1.
     * @param rank    worker rank in {@code 0..workers-1}.
     * @return {@code size / workers}, plus one for the first {@code size % workers} ranks.
     */
    public static int shardSize(final int size, final int workers, final int rank)
    {
        return size / workers + (rank < size % workers ? 1 : 0);
    }

    /**
     * Offset of worker {@code rank}'s part in the epoch permutation.
     *
     * @param size    number of rows, ≥ 0.
     * @param workers number of workers, ≥ 1.
     * @param rank    worker rank in {@code 0..workers}; {@code workers} gives {@code size}.
     * @return the index of the first row of that part.
     */
    public static int shardStart(final int size, final int workers, final int rank)
    {
        return rank * (size / workers) + Math.min(rank, size % workers);
    }

    /**
     * @return number of rows this worker visits per epoch.
     */
    public int shardSize()
    {
        return shardSize(size, workers, rank);
    }

    /**
     * The smallest shard of the plan: with synchronous SGD, the number of full steps all workers can take per epoch
     * is bounded by it.
     *
     * @return {@code size / workers}.
     */
    public int minShardSize()
    {
        return size / workers;
    }

    /**
     * The rows this worker visits in an epoch, in visiting order.
     *
     * @param epoch the epoch number.
     * @return a new array of {@link #shardSize()} row indices.
     */
    public int[] indices(final long epoch)
    {
        final int[] permutation = EpochOrder.permutation(size, seed, epoch);
        final int start = shardStart(size, workers, rank);
        return Arrays.copyOfRange(permutation, start, start + shardSize());
    }

    /**
     * @return number of rows in the whole dataset.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return number of workers.
     */
    public int workers()
    {
        return workers;
    }

    /**
     * @return this worker's rank.
     */
    public int rank()
    {
        return rank;
    }

    /**
     * @return the shared seed.
     */
    public long seed()
    {
        return seed;
    }

    @Override
    public String toString()
    {
        return "ShardPlan{size=" + size + ", workers=" + workers + ", rank=" + rank + ", seed=" + seed + '}';
    }
}
