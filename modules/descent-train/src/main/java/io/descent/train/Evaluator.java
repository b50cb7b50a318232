package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.Task;
import io.descent.nn.Model;
import io.descent.nn.loss.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Computes {@link Metrics} of a model on a dataset in inference mode, batch by batch, from any {@link ExampleSource}
 * (in memory or a memory-mapped shard set), in batch arrays it allocates once and reuses. Not thread-safe (uses the
 * model).
 */
public final class Evaluator
{
    private final Model model;
    private final Loss loss;
    private final int batchSize;
    private final Map<Integer, INDArray[]> batchArrays = new HashMap<>();

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
            final INDArray[] arrays = arraysFor(count, source);
            final INDArray features = arrays[0];
            final INDArray targets = arrays[1];
            source.fill(order, from, count, features, targets);
            final INDArray output = model.predict(features);
            lossSum += loss.value(output, targets) * count;
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

    /**
     * The batch arrays for {@code count} rows of {@code source}'s widths, allocated on first use and reused by every
     * later evaluation (validation every epoch): the model's ops stay bound to them, and nothing piles up off-heap for
     * the garbage collector. At most a few sizes: full batches and each split's last one.
     */
    private INDArray[] arraysFor(final int count, final ExampleSource source)
    {
        final INDArray[] arrays = batchArrays.get(count);
        if (null != arrays && arrays[0].columns() == source.numFeatures() &&
            arrays[1].columns() == source.numOutputs())
        {
            return arrays;
        }
        final INDArray[] created = {
            Nd4j.create(model.dataType(), count, source.numFeatures()),
            Nd4j.create(model.dataType(), count, source.numOutputs()) };
        batchArrays.put(count, created);
        return created;
    }

    /** @return rows whose largest output (the first, on ties) is at the label's column. */
    private static long countCorrect(final INDArray output, final int[] labels)
    {
        final long rows = output.rows();
        final long columns = output.columns();
        long correct = 0;
        for (long row = 0; row < rows; row++)
        {
            long predicted = 0;
            double best = output.getDouble(row, 0);
            for (long column = 1; column < columns; column++)
            {
                final double value = output.getDouble(row, column);
                if (value > best)
                {
                    best = value;
                    predicted = column;
                }
            }
            if (predicted == labels[(int)row])
            {
                correct++;
            }
        }
        return correct;
    }
}
