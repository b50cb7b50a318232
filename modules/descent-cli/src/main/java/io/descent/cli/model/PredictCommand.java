package io.descent.cli.model;

import io.descent.data.settings.DataSource;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.use.PredictionInput;
import io.descent.model.use.PredictionOutput;
import io.descent.model.use.Predictor;
import io.descent.train.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code descent predict --model DIR --input FILE.csv --output FILE.csv}: a saved model's predictions for raw rows,
 * scaled as in training. The whole input is checked before anything is predicted, and the output is written
 * atomically: bad input leaves no output file.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Predict with a saved model: raw CSV rows in (header row; the training features), predictions " +
        "out (class_index, class_name, p_<class>... for classification; one column per target for regression).")
public final class PredictCommand implements Callable<Integer>
{
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a model saved by --save-model")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "rows to predict, with a " +
        "header row; columns named as in training (target columns are ignored)")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE.csv", description = "where to write the " +
        "predictions (atomically)")
    Path output;

    @Override
    public Integer call()
    {
        OutputFile.check(output);
        final ModelArtifact artifact = ArtifactStore.read(model);
        final List<String> targets = targetNames(artifact);
        final float[] rows = PredictionInput.read(input, artifact, targets);
        final float[] outputs = new Predictor(artifact).predict(rows);
        PredictionOutput.write(output, artifact, outputs, targets);
        System.out.printf("%d predictions written to %s%n", rows.length / artifact.inputs(), output);
        return 0;
    }

    /** @return the training target columns when the model was trained on a CSV, else none. */
    private static List<String> targetNames(final ModelArtifact artifact)
    {
        final JobConfig job = JobConfig.from(artifact.job());
        return job.data().source() == DataSource.CSV ? job.data().csv().targets() : List.of();
    }
}
