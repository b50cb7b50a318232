package io.descent.cli.model;

import io.descent.model.artifact.ModelArtifact;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job arguments of a command that uses a saved model on data: {@code PRESET | --config FILE}, {@code --set},
 * {@code --seed}, meaning what they mean to {@code train}; with neither a preset nor a file, the job saved with the
 * model (its data, seed), with the overrides applied. A picocli mixin; read on the command's thread.
 */
public final class ModelJobOptions
{
    @Parameters(index = "0", arity = "0..1", paramLabel = "PRESET",
        description = "fashion-mnist or regression (default: the job saved with the model)")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON job file naming the data (sections job, " +
        "data, model, train)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. " +
        "data.csv.path=new.csv")
    List<String> sets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "seed of the job (overrides job.seed; decides " +
        "held-out splits)")
    Long seed;

    /**
     * @param artifact the saved model.
     * @return the validated job naming the data.
     */
    JobConfig job(final ModelArtifact artifact)
    {
        return JobConfig.from(null == preset && null == config ? JobSource.build(artifact.job(), sets, seed) :
            JobSource.build(preset, config, sets, seed));
    }
}
