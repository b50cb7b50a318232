package io.descent.cluster.plan;

import io.descent.data.order.ShardPlan;

/**
 * The step schedule of a synchronous job: {@code shards} disjoint shards of the training split per epoch
 * ({@link ShardPlan}, reshuffled per epoch with the job seed), each walked in batches of {@code batchSize}. Every
 * shard takes the same number of steps per epoch, derived from the smallest shard, so a step always covers batch
 * {@code b} of every shard; the one extra row of the larger shards (when the split does not divide evenly) is not
 * visited in that epoch.
 *
 * <p>Steps are numbered from 0 over the whole job; step {@code s} is computed on weights version {@code s}.
 * Immutable and thread-safe.
 */
public final class StepPlan
{
    private final int trainSize;
    private final int shards;
    private final int batchSize;
    private final int epochs;
    private final long seed;
    private final int rowsPerShard;
    private final int stepsPerEpoch;

    /**
     * @param trainSize rows of the training split, at least {@code shards}.
     * @param shards    number of shards (the configured number of workers), ≥ 1.
     * @param batchSize rows per shard per step, ≥ 1.
     * @param epochs    passes over the data, ≥ 1.
     * @param seed      the job seed.
     */
    public StepPlan(final int trainSize, final int shards, final int batchSize, final int epochs, final long seed)
    {
        if (shards < 1 || trainSize < shards || batchSize < 1 || epochs < 1)
        {
            throw new IllegalArgumentException("need shards >= 1, trainSize >= shards, batchSize >= 1, epochs >= 1: " +
                "trainSize=" + trainSize + " shards=" + shards + " batchSize=" + batchSize + " epochs=" + epochs);
        }
        this.trainSize = trainSize;
        this.shards = shards;
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.seed = seed;
        this.rowsPerShard = trainSize / shards;
        this.stepsPerEpoch = (rowsPerShard + batchSize - 1) / batchSize;
    }

    /** @return optimizer steps per epoch. */
    public int stepsPerEpoch()
    {
        return stepsPerEpoch;
    }

    /** @return steps of the whole job. */
    public long totalSteps()
    {
        return (long)stepsPerEpoch * epochs;
    }

    /** @return the 1-based epoch of {@code step}. */
    public int epochOf(final long step)
    {
        return (int)(step / stepsPerEpoch) + 1;
    }

    /** @return the 0-based batch index of {@code step} within its epoch. */
    public int batchOf(final long step)
    {
        return (int)(step % stepsPerEpoch);
    }

    /** @return true when {@code step} is the last step of its epoch. */
    public boolean endsEpoch(final long step)
    {
        return batchOf(step) == stepsPerEpoch - 1;
    }

    /** @return position in a shard's epoch order of the first row of batch {@code batch}. */
    public int batchStart(final int batch)
    {
        return batch * batchSize;
    }

    /** @return rows of one shard in batch {@code batch} (the last batch of an epoch may be smaller). */
    public int batchRows(final int batch)
    {
        return Math.min(batchSize, rowsPerShard - batch * batchSize);
    }

    /**
     * @param shard the shard in {@code 0..shards-1}.
     * @return the shard's plan (its rows per epoch).
     */
    public ShardPlan shard(final int shard)
    {
        return new ShardPlan(trainSize, shards, shard, seed);
    }

    /** @return number of shards. */
    public int shards()
    {
        return shards;
    }

    /** @return rows per shard per step. */
    public int batchSize()
    {
        return batchSize;
    }

    /** @return epochs of the job. */
    public int epochs()
    {
        return epochs;
    }

    /** @return rows of the training split. */
    public int trainSize()
    {
        return trainSize;
    }

    /** @return the job seed. */
    public long seed()
    {
        return seed;
    }
}
