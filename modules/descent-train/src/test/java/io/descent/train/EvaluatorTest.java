package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.init.WeightInit;
import io.descent.nn.kernel.NativeAllocations;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.loss.Loss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics against the same computation done at once on the whole split; evaluation again allocates nothing. */
class EvaluatorTest
{
    private static final int ROWS = 1030;
    private static final int BATCH = 100;

    @Test
    void shouldGiveTheLossAndAccuracyOfTheWholeSplitAtOnce()
    {
        final Dataset data = Synthetic.teacher(ROWS, 12, 8, 4, 3);
        final Model model = Model.create(ModelSpec.mlp(12, 16, 4), 5);
        final Metrics metrics = new Evaluator(model, Loss.CROSS_ENTROPY, BATCH).evaluate(data);

        final INDArray features = Nd4j.create(DataType.FLOAT, ROWS, 12);
        final INDArray targets = Nd4j.create(DataType.FLOAT, ROWS, 4);
        final int[] all = java.util.stream.IntStream.range(0, ROWS).toArray();
        data.fill(all, 0, ROWS, features, targets);
        final INDArray output = model.predict(features);
        final long[] predicted = output.argMax(1).toLongVector();
        long correct = 0;
        for (int row = 0; row < ROWS; row++)
        {
            correct += predicted[row] == data.labels()[row] ? 1 : 0;
        }
        assertEquals((double)correct / ROWS, metrics.accuracy(), 0.0);
        assertEquals(Loss.CROSS_ENTROPY.value(output, targets), metrics.loss(), 1e-6);
        assertEquals(ROWS, metrics.examples());
    }

    @Test
    void shouldPredictTheFirstClassOnTiesAsArgMaxDoes()
    {
        final Dataset data = Synthetic.teacher(ROWS, 6, 4, 3, 8);
        final Model zeros = Model.create(new ModelSpec(6, List.of(
            new LayerSpec.Dense(3, Activation.SOFTMAX, WeightInit.ZEROS, WeightInit.ZEROS))), 1);
        long firstClass = 0;
        for (int row = 0; row < ROWS; row++)
        {
            firstClass += data.labels()[row] == 0 ? 1 : 0;
        }
        assertEquals((double)firstClass / ROWS,
            new Evaluator(zeros, Loss.CROSS_ENTROPY, BATCH).evaluate(data).accuracy(), 0.0);
    }

    @Test
    void shouldEvaluateAgainWithoutAllocating()
    {
        final Dataset data = Synthetic.teacher(ROWS, 12, 8, 4, 3);
        final Evaluator evaluator = new Evaluator(Model.create(ModelSpec.mlp(12, 16, 4), 5), Loss.CROSS_ENTROPY,
            BATCH);
        final Metrics first = evaluator.evaluate(data);
        final NativeAllocations allocations = new NativeAllocations();
        final long before = allocations.created();
        for (int round = 0; round < 5; round++)
        {
            assertEquals(first, evaluator.evaluate(data));
        }
        final long created = allocations.created() - before;
        // The batch arrays alone, were they allocated per batch, would be 2 per batch: 110 in 5 evaluations.
        assertTrue(created <= 2, created + " native allocations in 5 evaluations of " + (ROWS + BATCH - 1) / BATCH + " batches");
    }
}
