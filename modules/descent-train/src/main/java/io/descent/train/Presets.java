package io.descent.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.descent.nn.error.BadInputException;

import java.util.List;

/** Job presets shipped in the jar under {@code presets/NAME.conf}. */
public final class Presets
{
    /** Names of the shipped presets. */
    public static final List<String> NAMES = List.of("fashion-mnist", "fashion-mnist-cnn", "regression");

    private Presets()
    {
    }

    /**
     * @param name a preset name, e.g. {@code fashion-mnist}.
     * @return the preset's configuration (not yet merged with defaults).
     * @throws BadInputException when there is no such preset.
     */
    public static Config load(final String name)
    {
        if (!NAMES.contains(name))
        {
            throw new BadInputException("unknown preset '" + name + "'; available: " + String.join(", ", NAMES) +
                " (or give --config FILE)");
        }
        return ConfigFactory.parseResources(
            Presets.class.getClassLoader(), "presets/" + name + ".conf",
            ConfigParseOptions.defaults().setAllowMissing(false));
    }
}
