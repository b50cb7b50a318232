package io.descent.cli.model;

import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.use.SavedModelEvaluation;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.descent.train.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent evaluate --model DIR [PRESET | --config FILE] [--set …]}: the test metrics of a saved model on a data
 * source, with the scaling saved with it; printed, and as JSON with {@code --report FILE}.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Test metrics of a saved model on a data source, with the scaling fitted when it was trained. " +
        "The data is the job's (PRESET or --config FILE, --set, --seed); with neither a preset nor a file, the job " +
        "saved with the model.")
public final class EvaluateCommand implements Callable<Integer>
{
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a model saved by --save-model")
    Path model;

    /** Names the data; with neither a preset nor a file, the job saved with the model (its data, seed). */
    @Mixin
    JobArguments jobArguments;

    @Option(names = "--report", paramLabel = "FILE", description = "write the metrics as JSON (atomically)")
    Path report;

    @Override
    public Integer call()
    {
        if (null != report && !Files.isDirectory(report.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--report " + report + ": directory " + report.toAbsolutePath().getParent() +
                " does not exist; create it or choose another path");
        }
        final ModelArtifact artifact = ArtifactStore.read(model);
        final JobConfig job = JobConfig.from(jobArguments.user(artifact.job()));
        final Metrics test = SavedModelEvaluation.evaluate(artifact, job);
        System.out.printf("model %s (%s, step %d) on %s test split: %s  (%d examples)%n",
            artifact.fingerprint().architecture(), artifact.fingerprint().hex(), artifact.steps(),
            job.data().source().name().toLowerCase(Locale.ROOT).replace('_', '-'), test.describe(), test.examples());
        if (null != report)
        {
            JsonReports.writeAtomically(report, json(artifact, job, test));
        }
        return 0;
    }

    private Map<String, Object> json(final ModelArtifact artifact, final JobConfig job, final Metrics test)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model.toAbsolutePath().toString());
        root.put("fingerprint", artifact.fingerprint().hex());
        root.put("architecture", artifact.fingerprint().architecture());
        root.put("steps", artifact.steps());
        root.put("data_source", job.data().source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        root.put("test_loss", test.loss());
        if (test.isClassification())
        {
            root.put("test_accuracy", test.accuracy());
        }
        else
        {
            root.put("test_rmse", test.rmse());
        }
        root.put("test_examples", test.examples());
        return root;
    }
}
