package io.descent.data.shard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.descent.data.Task;
import io.descent.data.scale.FeatureStatistics;
import io.descent.data.scale.ScalingKind;
import io.descent.data.settings.SettingsReader;
import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes {@code manifest.json} (JSON, snake_case keys). Reading checks the structure only;
 * {@link ManifestChecks} checks that the numbers agree. Stateless and thread-safe.
 */
public final class ManifestCodec
{
    /** The value of the manifest's {@code format} key. */
    public static final String FORMAT = "descent-shards";

    private ManifestCodec()
    {
    }

    /**
     * @param manifest the manifest.
     * @return its JSON text.
     */
    public static String toJson(final ShardManifest manifest)
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("version", manifest.version());
        root.put("task", SettingsReader.configName(manifest.task()));
        root.put("num_features", manifest.numFeatures());
        root.put("num_outputs", manifest.numOutputs());
        root.put("rows", manifest.rows());
        root.put("rows_per_shard", manifest.rowsPerShard());
        root.put("origin", manifest.origin());
        root.put("class_names", manifest.classNames());
        root.put("feature_names", manifest.featureNames());
        final List<Map<String, Object>> shards = new ArrayList<>();
        for (final ShardEntry entry : manifest.shards())
        {
            final Map<String, Object> shard = new LinkedHashMap<>();
            shard.put("file", entry.file());
            shard.put("rows", entry.rows());
            shard.put("bytes", entry.bytes());
            shard.put("crc32c", String.format("%08x", entry.crc32c()));
            shards.add(shard);
        }
        root.put("shards", shards);
        final FeatureStatistics stats = manifest.statistics();
        final Map<String, Object> statistics = new LinkedHashMap<>();
        statistics.put("min", list(stats.min()));
        statistics.put("max", list(stats.max()));
        statistics.put("mean", list(stats.mean()));
        statistics.put("std", list(stats.std()));
        root.put("statistics", statistics);
        final AppliedScaling scaling = manifest.scaling();
        final Map<String, Object> scalingMap = new LinkedHashMap<>();
        scalingMap.put("kind", SettingsReader.configName(scaling.kind()));
        scalingMap.put("offsets", list(scaling.offsets()));
        scalingMap.put("factors", list(scaling.factors()));
        root.put("scaling", scalingMap);
        return JsonText.render(root);
    }

    /**
     * @param dir a shard set directory.
     * @return its manifest, structurally valid (use {@link ManifestChecks} for consistency).
     * @throws BadInputException naming the manifest file if it is missing, not JSON, or lacks or mistypes a key.
     */
    public static ShardManifest read(final Path dir)
    {
        final Path file = dir.resolve(ShardFormat.MANIFEST);
        if (!Files.isDirectory(dir))
        {
            throw new BadInputException("shard set " + dir + " is not a directory; write one with " +
                "'descent data shard' or 'descent data generate'");
        }
        if (!Files.isRegularFile(file))
        {
            throw new BadInputException("shard set " + dir + " has no " + ShardFormat.MANIFEST + "; it is not a " +
                "complete shard set (write one with 'descent data shard' or 'descent data generate')");
        }
        try
        {
            final Config json = ConfigFactory.parseFile(file.toFile(),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setAllowMissing(false));
            return fromConfig(json, file);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("shard manifest " + file + " is not valid: " + ex.getMessage() +
                "; re-create the shard set with 'descent data shard'");
        }
    }

    private static ShardManifest fromConfig(final Config json, final Path file)
    {
        if (!FORMAT.equals(json.getString("format")))
        {
            throw new BadInputException("shard manifest " + file + " has format '" + json.getString("format") +
                "', expected '" + FORMAT + "'");
        }
        final List<ShardEntry> shards = new ArrayList<>();
        for (final Config shard : json.getConfigList("shards"))
        {
            shards.add(new ShardEntry(shard.getString("file"), shard.getLong("rows"), shard.getLong("bytes"),
                crc(shard.getString("crc32c"), file)));
        }
        final Config stats = json.getConfig("statistics");
        final Config scaling = json.getConfig("scaling");
        return new ShardManifest(
            json.getInt("version"),
            enumValue(Task.class, json.getString("task"), "task", file),
            json.getInt("num_features"),
            json.getInt("num_outputs"),
            json.getStringList("class_names"),
            json.getStringList("feature_names"),
            json.getLong("rows"),
            json.getLong("rows_per_shard"),
            shards,
            new FeatureStatistics(doubles(stats, "min"), doubles(stats, "max"), doubles(stats, "mean"),
                doubles(stats, "std")),
            new AppliedScaling(enumValue(ScalingKind.class, scaling.getString("kind"), "scaling.kind", file),
                doubles(scaling, "offsets"), doubles(scaling, "factors")),
            json.hasPath("origin") ? json.getString("origin") : "");
    }

    private static long crc(final String hex, final Path file)
    {
        try
        {
            return Long.parseLong(hex, 16) & 0xFFFF_FFFFL;
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException("shard manifest " + file + ": crc32c '" + hex + "' is not hexadecimal");
        }
    }

    private static <E extends Enum<E>> E enumValue(
        final Class<E> type, final String text, final String key, final Path file)
    {
        for (final E constant : type.getEnumConstants())
        {
            if (SettingsReader.configName(constant).equals(text.toLowerCase(Locale.ROOT)))
            {
                return constant;
            }
        }
        throw new BadInputException("shard manifest " + file + ": " + key + " = '" + text + "' is not one of " +
            Arrays.stream(type.getEnumConstants()).map(SettingsReader::configName).toList());
    }

    private static double[] doubles(final Config config, final String key)
    {
        return config.getDoubleList(key).stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static List<Double> list(final double[] values)
    {
        return Arrays.stream(values).boxed().toList();
    }
}
