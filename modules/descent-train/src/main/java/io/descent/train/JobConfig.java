package io.descent.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.descent.data.settings.DataSettings;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A whole training job: the user's HOCON (preset or file plus overrides) merged over every module's defaults,
 * validated once. Immutable.
 *
 * @param name  job name.
 * @param seed  seed of everything random in the job.
 * @param data  data settings.
 * @param model the merged {@code model} section (read into a ModelSpec once the data's shape is known).
 * @param train training settings.
 * @param raw   the merged sections job, data, model and train (nothing else: no node settings, no cluster key),
 *              for reports, checkpoints and the configuration digest; without {@code train.save-model} (where the
 *              model is written is not part of what the job is).
 */
public record JobConfig(String name, long seed, DataSettings data, Config model, TrainSettings train, Config raw)
{
    /** Top-level sections a job may have. */
    public static final Set<String> SECTIONS = Set.of("job", "data", "model", "train");

    /**
     * @param user the user's configuration (top-level sections job, data, model, train).
     * @return the validated job.
     * @throws BadInputException for unknown sections or keys and out-of-range values.
     */
    public static JobConfig from(final Config user)
    {
        for (final String section : user.root().keySet())
        {
            if (!SECTIONS.contains(section))
            {
                throw new BadInputException("unknown config section '" + section + "'; did you mean '" +
                    ConfigChecks.nearest(section, SECTIONS) + "'? (valid: job, data, model, train)");
            }
        }
        final Config merged;
        try
        {
            merged = user.withFallback(ConfigFactory.defaultReference().getConfig("descent")).resolve();
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("config: " + ex.getMessage());
        }
        ConfigChecks.rejectUnknownKeys(merged.getConfig("job"), Set.of("name", "seed"), "job");
        final long seed;
        try
        {
            seed = merged.getLong("job.seed");
        }
        catch (final ConfigException.WrongType ex)
        {
            throw new BadInputException("job.seed must be an integer, got " + merged.getValue("job.seed").render());
        }
        final DataSettings data = DataSettings.from(merged.getConfig("data"), "data");
        Config raw = sectionsOf(merged).withoutPath("train." + TrainSettings.SAVE_MODEL);
        if (data.shape().isEmpty())
        {
            // Flat rows, as before data.shape existed: left out so such a job keeps its configuration digest (and
            // its checkpoints of earlier versions still resume).
            raw = raw.withoutPath("data.shape");
        }
        return new JobConfig(
            merged.getString("job.name"),
            seed,
            data,
            merged.getConfig("model"),
            TrainSettings.from(merged.getConfig("train"), "train"),
            raw);
    }

    /**
     * The fallback lays every module's reference.conf, with system properties over it, under the user's sections: a
     * node's own settings ({@code -Ddescent.cluster.key} among them) must not travel with the job into checkpoints,
     * reports or the configuration digest.
     *
     * @return only the {@link #SECTIONS} of {@code merged}.
     */
    private static Config sectionsOf(final Config merged)
    {
        Config job = ConfigFactory.empty();
        for (final String section : SECTIONS)
        {
            if (merged.hasPath(section))
            {
                job = job.withValue(section, merged.getValue(section));
            }
        }
        return job;
    }

    /**
     * @param dir where to write the trained model.
     * @return this job with {@code train.save-model} set (its identity, {@link #raw()}, unchanged).
     */
    public JobConfig withSaveModel(final Path dir)
    {
        return new JobConfig(name, seed, data, model, train.withSaveModel(dir), raw);
    }

    /**
     * The resolved job as a HOCON file another process reads back to the same job: the sections job, data, model and
     * train of {@link #raw()} (every default filled in), plus {@code train.save-model} when set. {@link #from} on it
     * gives an equal {@link #raw()}, so the same configuration digest.
     *
     * @return HOCON text.
     */
    public String hocon()
    {
        Config sections = ConfigFactory.empty();
        for (final String section : List.of("job", "data", "model", "train"))
        {
            sections = sections.withValue(section, raw.getValue(section));
        }
        if (train.saveModel().isPresent())
        {
            sections = sections.withValue("train." + TrainSettings.SAVE_MODEL,
                ConfigValueFactory.fromAnyRef(train.saveModel().get().toString()));
        }
        return sections.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
            .setJson(false));
    }
}
