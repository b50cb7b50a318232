package io.descent.data.shard;

import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.batch.BatchPlan;
import io.descent.data.idx.FashionMnist;
import io.descent.data.order.EpochOrder;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Prints the cost of filling 256 × 784 Fashion-MNIST batches in shuffled order from the heap and from a
 * memory-mapped shard set (page cache warm), and their ratio. Asserts only behaviour; run with
 * {@code -Ddescent.test.groups=slow -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class ShardFillBenchmarkTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldFillFromShardsAboutAsFastAsFromTheHeap()
    {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        final Dataset train = FashionMnist.loadSplit(FashionMnist.DEFAULT_DIR, "train");
        Sharder.write(train, tmp.resolve("fm"), 4, Scaler.fit(ScalingKind.NONE, train), "benchmark");
        final ShardSource shards = ShardSource.of(ShardSet.open(tmp.resolve("fm"), true));
        final INDArray features = Nd4j.create(DataType.FLOAT, new long[]{ 256, 784 }, 'c');
        final INDArray targets = Nd4j.create(DataType.FLOAT, new long[]{ 256, 10 }, 'c');
        double heap = Double.MAX_VALUE;
        double mapped = Double.MAX_VALUE;
        for (int epoch = 0; epoch < 6; epoch++)
        {
            heap = Math.min(heap, microsPerBatch(train, epoch, features, targets));
            mapped = Math.min(mapped, microsPerBatch(shards, epoch, features, targets));
        }
        System.out.printf("fill 256x784 batch, shuffled: heap %.1f us, mmap shards %.1f us (%.2fx), " +
            "%.2f GB/s from shards%n", heap, mapped, mapped / heap, 256 * 794 * 4 / mapped / 1e3);
    }

    private static double microsPerBatch(
        final ExampleSource source, final int epoch, final INDArray features, final INDArray targets)
    {
        final BatchPlan plan = new BatchPlan(source.size(), 256, true);
        final int[] order = EpochOrder.permutation(source.size(), 1, epoch);
        final long start = System.nanoTime();
        for (int b = 0; b < plan.numBatches(); b++)
        {
            source.fill(order, plan.from(b), 256, features, targets);
        }
        final double micros = (System.nanoTime() - start) / 1e3 / plan.numBatches();
        assertEquals(256.0, targets.sumNumber().doubleValue());
        return micros;
    }
}
