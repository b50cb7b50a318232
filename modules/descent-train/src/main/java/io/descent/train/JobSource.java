package io.descent.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.descent.nn.error.BadInputException;
import io.descent.train.Presets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the user's job configuration from the command line: a preset or a HOCON file, then each
 * {@code --set key=value} in order, then {@code --seed}.
 */
public final class JobSource
{
    private JobSource()
    {
    }

    /**
     * @param preset a preset name, or null.
     * @param file   a HOCON job file, or null.
     * @param sets   overrides {@code key=value}, applied in order (later wins).
     * @param seed   overrides {@code job.seed} when not null.
     * @return the user's configuration (defaults not merged).
     * @throws BadInputException for a missing/unreadable/invalid file, both or neither of preset and file, or a
     *                           malformed override.
     */
    public static Config build(final String preset, final Path file, final List<String> sets, final Long seed)
    {
        if ((null == preset) == (null == file))
        {
            throw new BadInputException(null == preset ?
                "give a preset (" + String.join(", ", Presets.NAMES) + ") or --config FILE" :
                "give either a preset or --config FILE, not both");
        }
        return build(null != preset ? Presets.load(preset) : parseFile(file), sets, seed);
    }

    /**
     * @param base a job configuration to start from, e.g. the one saved with a model.
     * @param sets overrides {@code key=value}, applied in order (later wins).
     * @param seed overrides {@code job.seed} when not null.
     * @return {@code base} with the overrides.
     * @throws BadInputException for a malformed override.
     */
    public static Config build(final Config base, final List<String> sets, final Long seed)
    {
        Config config = base;
        for (final String set : sets)
        {
            config = override(set).withFallback(config);
        }
        if (null != seed)
        {
            config = config.withValue("job.seed", ConfigValueFactory.fromAnyRef(seed));
        }
        return config;
    }

    private static Config parseFile(final Path file)
    {
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            if (Presets.NAMES.contains(file.toString()))
            {
                throw new BadInputException("config file " + file + " does not exist or is not readable; " + file +
                    " is a preset: give it without --config (PRESET | --config FILE)");
            }
            throw new BadInputException("config file " + file + " does not exist or is not readable; " +
                "give a HOCON job file or a preset (" + String.join(", ", Presets.NAMES) + ")");
        }
        try
        {
            return ConfigFactory.parseFile(file.toFile());
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("config file " + file + " is not valid HOCON: " + ex.getMessage());
        }
    }

    private static Config override(final String set)
    {
        final int eq = set.indexOf('=');
        if (eq <= 0)
        {
            throw new BadInputException("--set '" + set + "' must look like key=value, e.g. train.learning-rate=0.05");
        }
        final String key = set.substring(0, eq).trim();
        final String value = set.substring(eq + 1).trim();
        try
        {
            return ConfigFactory.parseString(key + " = " + value);
        }
        catch (final ConfigException ex)
        {
            try
            {
                return ConfigFactory.parseString(key + " = " + ConfigValueFactory.fromAnyRef(value).render());
            }
            catch (final ConfigException again)
            {
                throw new BadInputException("--set '" + set + "': '" + key + "' is not a valid config key");
            }
        }
    }
}
