package io.descent.cluster.worker;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;
import io.descent.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerBatchesTest
{
    /** 42 rows, 2 shards of 21, batches of 4: 6 steps per epoch, the last one of a single row. */
    private static final int ROWS = 42;
    private final StepPlan plan = new StepPlan(ROWS, 2, 4, 3, 17L);
    private final Dataset data = numbered();

    @Test
    void shouldTakeEveryBatchOfAnUnchangedShardFromTheReadAheadAcrossEpochs()
    {
        final WorkerBatches batches = new WorkerBatches(plan, data, DataType.FLOAT);
        for (long step = 0; step < plan.totalSteps(); step++)
        {
            final StepOrder order = orderOf(step, 1);
            assertRows(order, batches.fill(order));
            batches.readAhead(order);
        }
        assertEquals(plan.totalSteps() - 1, batches.readAheads(), "no read-ahead after the last step");
        assertEquals(plan.totalSteps() - 1, batches.hits());
    }

    @Test
    void shouldCopyTheOrderedBatchWhenTheOrderIsNotTheOneReadAhead()
    {
        final WorkerBatches batches = new WorkerBatches(plan, data, DataType.FLOAT);
        final StepOrder first = orderOf(2, 0);
        assertRows(first, batches.fill(first));
        batches.readAhead(first);
        // Rank 1 was lost: its shard is reassigned to this worker from step 3 on.
        final StepOrder reassigned = orderOf(3, 0, 1);
        assertRows(reassigned, batches.fill(reassigned));
        batches.readAhead(reassigned);
        // A rejoin skips steps: the guess (step 4) is not what comes.
        final StepOrder later = orderOf(9, 0);
        assertRows(later, batches.fill(later));
        assertEquals(2, batches.readAheads());
        assertEquals(0, batches.hits());
    }

    private StepOrder orderOf(final long step, final int... shards)
    {
        return new StepOrder(step, plan.epochOf(step), plan.batchOf(step), shards);
    }

    /** The batch holds, in order, batch {@code order.batch()} of each shard's epoch order: checked row by row. */
    private void assertRows(final StepOrder order, final WorkerBatches.Batch batch)
    {
        final int count = plan.batchRows(order.batch());
        final int from = plan.batchStart(order.batch());
        final float[] features = new float[count * order.shards().length * 2];
        final float[] targets = new float[count * order.shards().length];
        int i = 0;
        for (final int shard : order.shards())
        {
            final int[] epochOrder = plan.shard(shard).indices(order.epoch());
            for (int k = 0; k < count; k++, i++)
            {
                final int row = epochOrder[from + k];
                features[2 * i] = row;
                features[2 * i + 1] = -row;
                targets[i] = 10 * row;
            }
        }
        assertArrayEquals(features, batch.features().data().asFloat(), "features of " + order);
        assertArrayEquals(targets, batch.targets().data().asFloat(), "targets of " + order);
    }

    private static Dataset numbered()
    {
        final float[] features = new float[ROWS * 2];
        final float[] targets = new float[ROWS];
        for (int row = 0; row < ROWS; row++)
        {
            features[2 * row] = row;
            features[2 * row + 1] = -row;
            targets[row] = 10 * row;
        }
        return Dataset.regression(features, 2, targets, 1, List.of());
    }
}
