package io.descent.data.batch;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.idx.FashionMnist;
import io.descent.data.order.EpochOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Measures (and prints) the Fashion-MNIST load time and the cost of filling 256 × 784 minibatches in shuffled order.
 * Asserts only behaviour; run with {@code -Ddescent.test.groups=slow -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class MinibatchFillerBenchmarkTest
{
    @Test
    void shouldFillFashionMnistBatchesQuickly()
    {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist is not installed");
        long start = System.nanoTime();
        final DatasetPair pair = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        final double loadSeconds = (System.nanoTime() - start) / 1e9;
        start = System.nanoTime();
        final Dataset train = FashionMnist.loadSplit(FashionMnist.DEFAULT_DIR, "train");
        final double trainSeconds = (System.nanoTime() - start) / 1e9;
        assertEquals(60_000, pair.train().size());

        final int batch = 256;
        final INDArray features = Nd4j.create(DataType.FLOAT, new long[]{batch, 784}, 'c');
        final INDArray targets = Nd4j.create(DataType.FLOAT, new long[]{batch, 10}, 'c');
        final BatchPlan plan = new BatchPlan(train.size(), batch, true);
        double checksum = 0;
        double bestMicros = Double.MAX_VALUE;
        for (int epoch = 0; epoch < 5; epoch++)
        {
            final int[] order = EpochOrder.permutation(train.size(), 1, epoch);
            start = System.nanoTime();
            for (int b = 0; b < plan.numBatches(); b++)
            {
                MinibatchFiller.fill(train, order, plan.from(b), plan.size(b), features, targets);
            }
            bestMicros = Math.min(bestMicros, (System.nanoTime() - start) / 1e3 / plan.numBatches());
            checksum += targets.sumNumber().doubleValue();
        }
        assertEquals(5.0 * batch, checksum);
        System.out.printf("fashion-mnist load (train+test): %.2f s, train only: %.2f s; " +
            "fill 256x784 batch: %.1f us (best epoch average)%n", loadSeconds, trainSeconds, bestMicros);
    }
}
