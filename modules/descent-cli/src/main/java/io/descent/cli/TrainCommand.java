package io.descent.cli;

import io.descent.cli.train.LocalTraining;
import io.descent.cluster.local.LocalCluster;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import io.descent.train.TrainSettings;
import io.descent.model.artifact.ArtifactStore;
import com.typesafe.config.ConfigValueFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code descent train}: trains a model from a preset or a job file, in this process, or with {@code --workers N} on
 * a local cluster of a parameter server and N worker processes.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a model from a preset (fashion-mnist, regression) or a HOCON job file.")
public final class TrainCommand implements Callable<Integer>
{
    @Parameters(index = "0", arity = "0..1", paramLabel = "PRESET", description = "fashion-mnist or regression")
    private String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON job file (sections job, data, model, train)")
    private Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. train.epochs=5")
    private List<String> sets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "seed of the job (overrides job.seed)")
    private Long seed;

    @Option(names = "--report", paramLabel = "FILE", description = "write a JSON report (atomically) at the end")
    private Path report;

    @Option(names = "--no-progress", description = "no progress bar (one line per epoch only)")
    private boolean noProgress;

    @Option(names = "--workers", paramLabel = "N", description = "train on a local cluster: a parameter server " +
        "and N worker processes on this machine (default: one process, no cluster)")
    private Integer workers;

    @Option(names = "--save-model", paramLabel = "DIR", description = "write the trained model to DIR at the end " +
        "(architecture, weights, scaling, labels, job; atomically), as train.save-model does")
    private Path saveModel;

    @Option(names = "--threads", paramLabel = "T", description = "with --workers: BLAS threads per process " +
        "(default: cores / N, at least 1)")
    private Integer threads;

    @Override
    public Integer call() throws InterruptedException
    {
        if (null != workers)
        {
            return trainOnLocalCluster();
        }
        final JobConfig job = withSaveModel(JobConfig.from(JobSource.build(preset, config, sets, seed)));
        // A progress bar only makes sense on a terminal; logs and CI get one line per epoch.
        new LocalTraining(job, report, !noProgress && null != System.console()).run();
        return 0;
    }

    private JobConfig withSaveModel(final JobConfig job)
    {
        return null == saveModel ? job : new JobConfig(job.name(), job.seed(), job.data(), job.model(),
            job.train().withSaveModel(saveModel), job.raw());
    }

    private int trainOnLocalCluster() throws InterruptedException
    {
        if (workers < 1 || (null != threads && threads < 1))
        {
            throw new BadInputException("--workers and --threads must be at least 1, got " + workers +
                (null == threads ? "" : " and " + threads));
        }
        // Validate here so that bad input fails once, fast, with the single-process message.
        final JobConfig job = withSaveModel(JobConfig.from(JobSource.build(preset, config, sets, seed)));
        job.train().saveModel().ifPresent(dir -> ArtifactStore.checkTarget(dir, "--save-model"));
        final List<String> jobArgs = new ArrayList<>();
        if (null != preset)
        {
            jobArgs.add(preset);
        }
        if (null != config)
        {
            jobArgs.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        for (final String set : sets)
        {
            jobArgs.addAll(List.of("--set", set));
        }
        if (null != seed)
        {
            jobArgs.addAll(List.of("--set", "job.seed=" + seed));
        }
        // The server writes the model; where is not part of the job's identity, so the workers may see it too.
        job.train().saveModel().ifPresent(dir -> jobArgs.addAll(List.of("--set", "train." + TrainSettings.SAVE_MODEL +
            "=" + ConfigValueFactory.fromAnyRef(dir.toAbsolutePath().toString()).render())));
        final int perProcess = null != threads ? threads :
            Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        return new LocalCluster(jobArgs, workers, perProcess, report).run();
    }
}
