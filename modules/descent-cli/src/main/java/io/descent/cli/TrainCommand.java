package io.descent.cli;

import io.descent.cli.cluster.ClusterOverrides;
import io.descent.cli.train.LocalTraining;
import io.descent.cluster.local.LocalCluster;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.descent.train.TrainSettings;
import io.descent.model.artifact.ArtifactStore;
import com.typesafe.config.ConfigValueFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    @Mixin
    private JobArguments jobArguments;

    @Option(names = "--report", paramLabel = "FILE", description = "write a JSON report (atomically) at the end")
    private Path report;

    @Option(names = "--no-progress", description = "no progress bar (one line per epoch only)")
    private boolean noProgress;

    @Option(names = "--workers", paramLabel = "N", description = "train on a local cluster: a parameter server " +
        "and N worker processes on this machine (default: one process, no cluster)")
    private Integer workers;

    @Option(names = "--servers", paramLabel = "S", description = "with --workers: parameter-server shards, each " +
        "its own process holding a range of the weights (default: 1)")
    private Integer servers;

    @Option(names = "--save-model", paramLabel = "DIR", description = "write the trained model to DIR at the end " +
        "(architecture, weights, scaling, labels, job; atomically), as train.save-model does")
    private Path saveModel;

    @Option(names = "--threads", paramLabel = "T", description = "with --workers: BLAS threads per process " +
        "(default: cores / N, at least 1)")
    private Integer threads;

    @Option(names = "--cluster", paramLabel = "KEY=VALUE",
        description = "with --workers: a descent.cluster setting for every node, as `descent ps|worker --cluster` " +
            "takes it, e.g. consistency=backup or step-timeout=30s")
    private List<String> cluster = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException
    {
        if (null != workers)
        {
            return trainOnLocalCluster();
        }
        if (!cluster.isEmpty())
        {
            throw new BadInputException("--cluster " + cluster.get(0).split("=", 2)[0] + "=... needs --workers N: " +
                "a single-process run has no cluster");
        }
        if (null != servers)
        {
            throw new BadInputException("--servers " + servers + " needs --workers N: parameter-server shards run on " +
                "a cluster");
        }
        final JobConfig job = withSaveModel(jobArguments.job());
        // A progress bar only makes sense on a terminal; logs and CI get one line per epoch.
        new LocalTraining(job, report, !noProgress && null != System.console()).run();
        return 0;
    }

    private JobConfig withSaveModel(final JobConfig job)
    {
        return null == saveModel ? job : job.withSaveModel(saveModel);
    }

    private int trainOnLocalCluster() throws InterruptedException
    {
        if (workers < 1 || (null != threads && threads < 1))
        {
            throw new BadInputException("--workers and --threads must be at least 1, got " + workers +
                (null == threads ? "" : " and " + threads));
        }
        // Validate here so that bad input fails once, fast, with the single-process message.
        final JobConfig job = withSaveModel(jobArguments.job());
        job.train().saveModel().ifPresent(dir -> ArtifactStore.checkTarget(dir, "--save-model"));
        final List<String> jobArgs = new ArrayList<>(jobArguments.toArgs());
        ClusterOverrides.check(cluster, workers);
        for (final String set : cluster)
        {
            if (set.strip().startsWith("servers="))
            {
                throw new BadInputException("--cluster " + set.strip() + ": the local cluster starts its server " +
                    "shards from --servers S; give --servers instead");
            }
            jobArgs.addAll(List.of("--cluster", set));
        }
        // The server writes the model; where is not part of the job's identity, so the workers may see it too.
        job.train().saveModel().ifPresent(dir -> jobArgs.addAll(List.of("--set", "train." + TrainSettings.SAVE_MODEL +
            "=" + ConfigValueFactory.fromAnyRef(dir.toAbsolutePath().toString()).render())));
        final int perProcess = null != threads ? threads :
            Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        return new LocalCluster(jobArgs, workers, null == servers ? 1 : servers, perProcess, report, null).run();
    }
}
