package io.descent.train;

import io.descent.data.SourceSplits;
import io.descent.data.Task;
import io.descent.data.load.DataLoader;
import io.descent.data.load.ScaledSplits;
import io.descent.data.scale.InputScaling;
import io.descent.nn.ModelSpec;
import io.descent.nn.config.ModelSpecReader;
import io.descent.nn.error.BadInputException;
import io.descent.nn.loss.Loss;
import io.descent.train.JobConfig;

/**
 * A job's data and model architecture, opened and checked the same way on every node (each node opens the data
 * itself: the server for evaluation, each worker for its shards). A shard set is memory-mapped and streamed, never
 * copied onto the heap (scaling uses the manifest's statistics); other sources are loaded into memory.
 *
 * @param data    the splits.
 * @param spec    the model architecture.
 * @param scaling what was done to the source's raw rows (fitted on the training split), for a saved model.
 */
public record JobData(SourceSplits data, ModelSpec spec, InputScaling scaling)
{
    /**
     * @param job     the validated job.
     * @param workers number of workers (each shard must hold at least one batch row).
     * @return the opened data and architecture.
     * @throws BadInputException for data problems, a loss that does not fit the task or shards that are too small.
     */
    public static JobData load(final JobConfig job, final int workers)
    {
        final var layers = job.model().getConfigList("layers");
        final var last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        final int declared = null != last && last.hasPath("units") ? last.getInt("units") : 0;
        final ScaledSplits scaled = DataLoader.openScaled(job.data(), job.seed(), declared);
        final SourceSplits data = scaled.splits();
        final Loss loss = job.train().loss();
        if ((loss == Loss.CROSS_ENTROPY || loss == Loss.BINARY_CROSS_ENTROPY) && data.train().task() == Task.REGRESSION)
        {
            throw new BadInputException("train.loss = " + loss.configName() + " needs classification data, but the " +
                "data is a regression task; use train.loss = mse or mae");
        }
        if (data.train().size() < workers)
        {
            throw new BadInputException("the training split has " + data.train().size() + " examples, fewer than " +
                workers + " workers; use fewer workers");
        }
        return new JobData(data, specOf(job, data, loss), scaled.scaling());
    }

    /**
     * The job's model architecture for its data: {@code model.layers} on inputs of {@code data.shape} (flat rows when
     * it is empty).
     *
     * @param job  the validated job.
     * @param data the opened splits.
     * @param loss the training loss.
     * @return the architecture.
     * @throws BadInputException when data.shape does not hold the data's features or a layer does not fit.
     */
    public static ModelSpec specOf(final JobConfig job, final SourceSplits data, final Loss loss)
    {
        final int features = data.train().numFeatures();
        return ModelSpecReader.read(job.model(), "model",
            ModelSpecReader.inputShape(job.data().shape(), features, "data.shape"), data.train().numOutputs(), loss);
    }
}
