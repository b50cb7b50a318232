package io.descent.data.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.data.scale.ScalingKind;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The validated {@code data} section of a job: source, location, validation share, scaling and the source's own
 * settings. Built once at start by {@link #from(Config)}; immutable and thread-safe.
 *
 * @param source             where examples come from.
 * @param dir                the Fashion-MNIST directory.
 * @param validationFraction share of the training source held out for validation, in (0, 1).
 * @param scaling            feature scaling, fitted on the training split.
 * @param csv                CSV settings (validated; required keys checked only when {@code source = csv}).
 * @param synthetic          synthetic-generator settings.
 * @param shards             shard-set settings (validated; required keys checked only when {@code source = shards}).
 * @param shape              the shape of one row, {@code [channels, height, width]} for images (rows hold their values
 *                           in CHW order, so a batch is NCHW) or empty for flat rows; its product is checked against
 *                           the data's feature count when the model is built.
 */
public record DataSettings(
    DataSource source,
    Path dir,
    double validationFraction,
    ScalingKind scaling,
    CsvSettings csv,
    SyntheticSettings synthetic,
    ShardSettings shards,
    List<Integer> shape)
{
    public DataSettings
    {
        shape = List.copyOf(shape);
    }

    /**
     * The path of the defaults in {@code reference.conf}.
     */
    public static final String REFERENCE_PATH = "descent.data";

    /**
     * Validate a {@code data} section (the user's keys merged over {@code descent.data}) and build the settings.
     *
     * @param section the merged section.
     * @return the settings.
     * @throws BadInputException naming the key, the bad value and what is allowed, for the first problem found
     *                           (including unknown keys, with the nearest valid key suggested).
     */
    public static DataSettings from(final Config section)
    {
        return from(section, "data");
    }

    /**
     * Like {@link #from(Config)} with another prefix for the keys in messages.
     *
     * @param section the merged section.
     * @param prefix  the section's path as the user writes it.
     * @return the settings.
     */
    public static DataSettings from(final Config section, final String prefix)
    {
        final Config reference = ConfigFactory.defaultReference().getConfig(REFERENCE_PATH);
        ConfigChecks.rejectUnknownKeys(
            section, reference.entrySet().stream().map(Map.Entry::getKey).collect(Collectors.toSet()), prefix);
        final SettingsReader reader = new SettingsReader(section.withFallback(reference), prefix);
        final DataSource source = reader.enumValue("source", DataSource.class);
        final SettingsReader csvReader = reader.section("csv");
        final CsvSettings csv = CsvSettings.from(csvReader);
        if (source == DataSource.CSV)
        {
            csv.requireUsable(csvReader);
        }
        final SettingsReader shardsReader = reader.section("shards");
        final ShardSettings shards = ShardSettings.from(shardsReader);
        if (source == DataSource.SHARDS)
        {
            shards.requireUsable(shardsReader);
        }
        final String dir = reader.string("dir");
        if (source == DataSource.FASHION_MNIST && dir.isBlank())
        {
            throw new BadInputException(
                reader.full("dir") + " is empty; set it to the Fashion-MNIST directory, e.g. " +
                "/usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)");
        }
        return new DataSettings(
            source,
            Path.of(dir.trim()),
            reader.fraction("validation-fraction"),
            reader.enumValue("scaling", ScalingKind.class),
            csv,
            SyntheticSettings.from(reader.section("synthetic")),
            shards,
            shape(reader));
    }

    private static List<Integer> shape(final SettingsReader reader)
    {
        final List<Integer> shape = reader.intList("shape");
        if ((!shape.isEmpty() && shape.size() != 1 && shape.size() != 3) || shape.stream().anyMatch(d -> d < 1))
        {
            throw new BadInputException(reader.full("shape") + " = " + shape + " is not a shape; write [channels, " +
                "height, width] with positive sizes, e.g. [1, 28, 28], or [] for flat rows");
        }
        return shape;
    }

    /**
     * @return the defaults from {@code reference.conf}.
     */
    public static DataSettings defaults()
    {
        return from(ConfigFactory.defaultReference().getConfig(REFERENCE_PATH));
    }
}
