package io.descent.train;

import com.typesafe.config.Config;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.loss.Loss;
import io.descent.nn.optim.OptimizerSettings;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code train} section: loss, batch size, epochs and the optimizer. Immutable, validated once.
 *
 * @param loss          the training loss.
 * @param batchSize     examples per minibatch (per worker in the cluster).
 * @param epochs        passes over the training split.
 * @param evalBatchSize examples per evaluation batch.
 * @param optimizer     learning rate, momentum, schedule, …
 * @param saveModel     where to write the trained model (a model artifact directory), if anywhere.
 */
public record TrainSettings(
    Loss loss, int batchSize, int epochs, int evalBatchSize, OptimizerSettings optimizer, Optional<Path> saveModel)
{
    /**
     * The key of {@link #saveModel()} in the section. Where the model goes is not part of the job's identity: it is
     * left out of {@link JobConfig#raw()} (so of the configuration digest workers are checked against).
     */
    public static final String SAVE_MODEL = "save-model";

    /** Every valid key of the section, as dotted paths. */
    public static final Set<String> KEYS = Set.of(
        "loss", "batch-size", "learning-rate", "epochs", "optimizer", "momentum", "nesterov", "weight-decay",
        "clip-norm", "adam.beta1", "adam.beta2", "adam.epsilon", "schedule.type", "schedule.step-epochs",
        "schedule.gamma", "schedule.min-learning-rate", "schedule.warmup-epochs", "eval-batch-size", SAVE_MODEL);

    /**
     * @param train  the section with defaults merged.
     * @param prefix its path for messages ({@code train}).
     * @return validated settings.
     */
    public static TrainSettings from(final Config train, final String prefix)
    {
        ConfigChecks.rejectUnknownKeys(train, KEYS, prefix);
        return new TrainSettings(
            Loss.fromConfig(train.getString("loss"), prefix + ".loss"),
            ConfigChecks.intIn(train, "batch-size", prefix, 1, Integer.MAX_VALUE),
            ConfigChecks.intIn(train, "epochs", prefix, 1, 1_000_000),
            ConfigChecks.intIn(train, "eval-batch-size", prefix, 1, Integer.MAX_VALUE),
            OptimizerSettings.from(train, prefix),
            saveModel(train));
    }

    /**
     * @param dir where to write the trained model.
     * @return these settings with {@link #saveModel()} set.
     */
    public TrainSettings withSaveModel(final Path dir)
    {
        return new TrainSettings(loss, batchSize, epochs, evalBatchSize, optimizer, Optional.of(dir));
    }

    private static Optional<Path> saveModel(final Config train)
    {
        final String dir = train.hasPath(SAVE_MODEL) ? train.getString(SAVE_MODEL).trim() : "";
        return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir));
    }
}
