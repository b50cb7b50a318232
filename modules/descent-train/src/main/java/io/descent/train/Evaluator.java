package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.Task;
import io.descent.nn.Model;
import io.descent.nn.loss.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

/**
 * Computes {@link Metrics} of a model on a dataset in inference mode, batch by batch, from any {@link ExampleSource}
 * (in memory or a memory-mapped shard set). Not thread-safe (uses the model).
 */
public final class Evaluator
{
    private final Model model;
    private final Loss loss;
    private final int batchSize;

    /**
     * @param model     the model to evaluate.
     * @param loss      the loss to report.
     * @param batchSize examples per evaluation batch.
     */
    public Evaluator(final Model model, final Loss loss, final int batchSize)
    {
        this.model = model;
        this.loss = loss;
        this.batchSize = batchSize;
    }

    /**
     * The in-memory case of {@link #evaluate(ExampleSource)}, kept so that code compiled against it links.
     *
     * @param dataset the split to evaluate (not empty).
     * @return its metrics.
     */
    public Metrics evaluate(final Dataset dataset)
    {
        return evaluate((ExampleSource)dataset);
    }

    /**
     * @param source the split to evaluate (not empty); read, not modified.
     * @return its metrics.
     */
    public Metrics evaluate(final ExampleSource source)
    {
        final int n = source.size();
        final int[] order = IntStream.range(0, n).toArray();
        final boolean classification = source.task() == Task.CLASSIFICATION;
        double lossSum = 0.0;
        double squaredErrorSum = 0.0;
        long correct = 0;
        final int[] labels = classification ? new int[Math.min(batchSize, n)] : null;
        for (int from = 0; from < n; from += batchSize)
        {
            final int count = Math.min(batchSize, n - from);
            final INDArray features = Nd4j.create(model.dataType(), count, source.numFeatures());
            final INDArray targets = Nd4j.create(model.dataType(), count, source.numOutputs());
            source.fill(order, from, count, features, targets);
            lossSum += model.evaluateLoss(features, targets, loss) * count;
            final INDArray output = model.predict(features);
            if (classification)
            {
                source.fillLabels(order, from, count, labels);
                correct += countCorrect(output, labels);
            }
            else
            {
                squaredErrorSum += output.squaredDistance(targets);
            }
        }
        return new Metrics(
            lossSum / n,
            classification ? (double)correct / n : Double.NaN,
            classification ? Double.NaN : Math.sqrt(squaredErrorSum / ((double)n * source.numOutputs())),
            n);
    }

    private static long countCorrect(final INDArray output, final int[] labels)
    {
        final long[] predicted = output.argMax(1).toLongVector();
        long correct = 0;
        for (int i = 0; i < predicted.length; i++)
        {
            if (predicted[i] == labels[i])
            {
                correct++;
            }
        }
        return correct;
    }
}
