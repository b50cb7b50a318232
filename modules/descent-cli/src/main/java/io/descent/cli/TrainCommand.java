package io.descent.cli;

import io.descent.cli.train.LocalTraining;
import io.descent.cli.train.JobSource;
import io.descent.train.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code descent train}: trains a model from a preset or a job file, single process. */
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

    @Override
    public Integer call()
    {
        final JobConfig job = JobConfig.from(JobSource.build(preset, config, sets, seed));
        // A progress bar only makes sense on a terminal; logs and CI get one line per epoch.
        new LocalTraining(job, report, !noProgress && null != System.console()).run();
        return 0;
    }
}
