package io.descent.cluster.worker;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;
import io.descent.data.ExampleSource;
import io.descent.data.batch.MinibatchFiller;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A worker's minibatches: the shard orders of the current epoch, the batch arrays, and a read-ahead of one step.
 *
 * <p>Gathering a batch copies rows scattered over the whole training set, which costs a few tenths of a millisecond
 * per step (the rows come from memory, not cache). Once a step is pushed, {@link #readAhead} copies in the batch
 * that the next order will name, while the worker waits for the server: the next step of the plan, same shards.
 * When the order comes, {@link #fill} checks it against the guess. If it names something else (a shard was
 * reassigned, a join, a resume), {@code fill} copies that batch instead. Either way the arrays hold exactly the
 * order's rows, so the read-ahead changes when the copy happens, never what is computed.
 *
 * <p>Not thread-safe: every method runs on the worker's compute thread.
 */
final class WorkerBatches
{
    /** Features and targets of one batch: preallocated arrays, refilled. */
    record Batch(INDArray features, INDArray targets)
    {
    }

    private final StepPlan plan;
    private final ExampleSource train;
    private final DataType dataType;
    /** One batch per row count: the read-ahead reuses the arrays of the step just pushed. */
    private final Map<Integer, Batch> arraysByRows = new HashMap<>();
    private int cachedEpoch = -1;
    private int[][] shardOrders;
    /** The order {@link #readAhead} guessed, until {@link #fill} takes it or not. */
    private StepOrder ahead;
    /** The arrays read ahead for {@link #ahead}. */
    private Batch aheadBatch;
    private long readAheads;
    private long hits;

    /**
     * @param plan     the job's step plan (shards, batches, epochs, seed).
     * @param train    the training rows.
     * @param dataType element type of the model's inputs.
     */
    WorkerBatches(final StepPlan plan, final ExampleSource train, final DataType dataType)
    {
        this.plan = plan;
        this.train = train;
        this.dataType = dataType;
    }

    /**
     * The batch of {@code order}: batch {@code order.batch()} of each of its shards in epoch {@code order.epoch()},
     * concatenated in shard order.
     *
     * @return the batch, owned by this object: valid until the next {@link #fill} or {@link #readAhead}.
     */
    Batch fill(final StepOrder order)
    {
        final Batch filled;
        if (null != ahead && sameBatch(ahead, order))
        {
            filled = aheadBatch;
            hits++;
        }
        else
        {
            filled = copy(order);
        }
        ahead = null;
        aheadBatch = null;
        return filled;
    }

    /**
     * Copies in the batch the order after {@code done} will most likely name: the next step of the plan, on the same
     * shards. Does nothing after the job's last step. Call it only when the arrays {@link #fill} returned for
     * {@code done} are no longer read.
     */
    void readAhead(final StepOrder done)
    {
        final long next = done.step() + 1;
        if (next >= plan.totalSteps())
        {
            return;
        }
        final StepOrder guess = new StepOrder(next, plan.epochOf(next), plan.batchOf(next), done.shards());
        aheadBatch = copy(guess);
        ahead = guess;
        readAheads++;
    }

    /** @return rows in the batch of {@code order}. */
    int rows(final StepOrder order)
    {
        return plan.batchRows(order.batch()) * order.shards().length;
    }

    /** @return batches read ahead so far. */
    long readAheads()
    {
        return readAheads;
    }

    /** @return batches that {@link #fill} took from the read-ahead instead of copying them. */
    long hits()
    {
        return hits;
    }

    private static boolean sameBatch(final StepOrder a, final StepOrder b)
    {
        return a.step() == b.step() && a.epoch() == b.epoch() && a.batch() == b.batch() &&
            Arrays.equals(a.shards(), b.shards());
    }

    private Batch copy(final StepOrder order)
    {
        final int[] rows = rowsOf(order);
        final Batch arrays = arraysFor(rows.length);
        MinibatchFiller.fill(train, rows, 0, rows.length, arrays.features(), arrays.targets());
        return arrays;
    }

    private Batch arraysFor(final int rows)
    {
        return arraysByRows.computeIfAbsent(rows, n ->
            new Batch(Nd4j.create(dataType, n, train.numFeatures()), Nd4j.create(dataType, n, train.numOutputs())));
    }

    private int[] rowsOf(final StepOrder order)
    {
        if (order.epoch() != cachedEpoch)
        {
            shardOrders = new int[plan.shards()][];
            cachedEpoch = order.epoch();
        }
        final int count = plan.batchRows(order.batch());
        final int from = plan.batchStart(order.batch());
        final int[] rows = new int[count * order.shards().length];
        for (int i = 0; i < order.shards().length; i++)
        {
            final int shard = order.shards()[i];
            if (null == shardOrders[shard])
            {
                shardOrders[shard] = plan.shard(shard).indices(order.epoch());
            }
            System.arraycopy(shardOrders[shard], from, rows, i * count, count);
        }
        return rows;
    }
}
