package io.descent.model.use;

import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.Task;
import io.descent.data.load.DataLoader;
import io.descent.data.scale.InputScaling;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.settings.DataSettings;
import io.descent.data.settings.DataSource;
import io.descent.data.shard.AppliedScaling;
import io.descent.data.shard.ShardSource;
import io.descent.data.shard.ShardSplits;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.error.BadInputException;
import io.descent.train.Evaluator;
import io.descent.train.JobConfig;
import io.descent.train.Metrics;

import java.util.Arrays;
import java.util.List;

/**
 * The test metrics of a saved model on a job's data source: the source's raw test split, scaled with the artifact's
 * statistics (never refitted), evaluated as training evaluates. On the job the model was trained by, this gives the
 * training run's own test metrics. Stateless; the evaluation runs on the calling thread.
 */
public final class SavedModelEvaluation
{
    private SavedModelEvaluation()
    {
    }

    /**
     * @param artifact the saved model.
     * @param job      the job naming the data (its {@code data} section, seed and {@code train.eval-batch-size}).
     * @return the metrics on its test split.
     * @throws BadInputException when the data does not fit the model (widths, task, classes) or cannot be read.
     */
    public static Metrics evaluate(final ModelArtifact artifact, final JobConfig job)
    {
        final ExampleSource test = scaledTest(artifact, job.data(), job.seed());
        return new Evaluator(artifact.toModel(), artifact.loss(), job.train().evalBatchSize()).evaluate(test);
    }

    /** @return the test split of the data, scaled as the model expects. */
    static ExampleSource scaledTest(final ModelArtifact artifact, final DataSettings data, final long seed)
    {
        final int declared = artifact.task() == Task.CLASSIFICATION ? artifact.outputs() : 0;
        if (data.source() != DataSource.SHARDS)
        {
            return artifact.scaling().apply(checked(artifact, DataLoader.source(data, seed, declared).test()));
        }
        final ShardSource test = (ShardSource)ShardSplits.open(data.shards(), data.validationFraction(),
            ScalingKind.NONE, seed, DataLoader.VALIDATION_STREAM, DataLoader.TEST_STREAM).test();
        return storedScaling(artifact, test.set().manifest().scaling()).apply(checked(artifact, test.toDataset()));
    }

    /**
     * The stages still to apply to a shard set's stored rows: all of the artifact's when the rows are stored raw;
     * when the writer scaled them, the artifact must begin with that same scaling, and the rest applies.
     */
    private static InputScaling storedScaling(final ModelArtifact artifact, final AppliedScaling stored)
    {
        final List<Scaler> stages = artifact.scaling().stages();
        if (stored.kind() == ScalingKind.NONE)
        {
            return artifact.scaling();
        }
        if (stages.isEmpty() || !Arrays.equals(stages.get(0).offsets(), stored.offsets()) ||
            !Arrays.equals(stages.get(0).factors(), stored.factors()))
        {
            throw new BadInputException("data.shards.dir holds rows its writer scaled (" + stored.kind() + ") with " +
                "other statistics than this model was trained on; give the raw source (csv, fashion-mnist) instead");
        }
        return new InputScaling(stages.subList(1, stages.size()));
    }

    private static Dataset checked(final ModelArtifact artifact, final Dataset test)
    {
        if (test.numFeatures() != artifact.inputs() || test.task() != artifact.task() ||
            test.numOutputs() != artifact.outputs())
        {
            throw new BadInputException("the data's test split has " + describe(test.task(), test.numFeatures(),
                test.numOutputs()) + ", the model takes " + describe(artifact.task(), artifact.inputs(),
                artifact.outputs()) + "; give data with the columns the model was trained on");
        }
        if (test.task() == Task.CLASSIFICATION && !test.classNames().equals(artifact.classNames()))
        {
            throw new BadInputException("the data's classes " + test.classNames() + " differ from the model's " +
                artifact.classNames() + "; give data labelled as the training data was");
        }
        return test;
    }

    private static String describe(final Task task, final int features, final int outputs)
    {
        return task.name().toLowerCase() + " rows of " + features + " features and " + outputs + " outputs";
    }
}
