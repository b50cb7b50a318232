package io.descent.cli.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.descent.data.settings.DataSettings;
import io.descent.nn.error.BadInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code descent data shard --input SOURCE} into the {@code data} settings that would load it:
 * <ul>
 *   <li>{@code fashion-mnist} or {@code fashion-mnist:DIR} — the IDX files (default directory of the Debian
 *       package);</li>
 *   <li>{@code synthetic} — the {@code descent.data.synthetic} defaults;</li>
 *   <li>{@code FILE.csv} — a CSV with a header row; {@code --target} names the target column(s);</li>
 *   <li>{@code FILE.conf} (or {@code .hocon}, {@code .json}) — a job file's {@code data} section, or a file that is
 *       itself a data section; its {@code job.seed} is used when present.</li>
 * </ul>
 *
 * @param data the validated data settings.
 * @param seed the seed of any held-out test split or generated rows.
 */
record InputSource(DataSettings data, long seed)
{
    /**
     * @param input  the {@code --input} value.
     * @param target the {@code --target} value (CSV only), or null.
     * @param task   the {@code --task} value (CSV only).
     * @param seed   the {@code --seed} value, or null for the file's or the default job seed.
     * @return the resolved source.
     * @throws BadInputException if the input is none of the accepted forms or its settings are invalid.
     */
    static InputSource resolve(final String input, final String target, final String task, final Long seed)
    {
        final String lower = input.toLowerCase(Locale.ROOT);
        final long defaultSeed = ConfigFactory.defaultReference().getLong("descent.job.seed");
        final Map<String, Object> keys = new HashMap<>();
        if (lower.equals("fashion-mnist") || lower.startsWith("fashion-mnist:"))
        {
            keys.put("source", "fashion-mnist");
            if (input.indexOf(':') > 0)
            {
                keys.put("dir", input.substring(input.indexOf(':') + 1));
            }
        }
        else if (lower.equals("synthetic"))
        {
            keys.put("source", "synthetic");
        }
        else if (lower.endsWith(".csv"))
        {
            if (null == target)
            {
                throw new BadInputException("--input " + input + " is a CSV file: give --target COLUMN (the header " +
                    "name of the target; several for regression: --target y1,y2)");
            }
            keys.put("source", "csv");
            keys.put("csv.path", requireFile(input).toString());
            keys.put("csv.target", target);
            keys.put("csv.task", task);
        }
        else if (lower.endsWith(".conf") || lower.endsWith(".hocon") || lower.endsWith(".json"))
        {
            return fromFile(requireFile(input), seed, defaultSeed);
        }
        else
        {
            throw new BadInputException("--input " + input + " is not a source; give fashion-mnist[:DIR], " +
                "synthetic, a FILE.csv (with --target) or a FILE.conf holding a data section");
        }
        return new InputSource(DataSettings.from(ConfigFactory.parseMap(keys)), null != seed ? seed : defaultSeed);
    }

    private static InputSource fromFile(final Path file, final Long seed, final long defaultSeed)
    {
        final Config config;
        try
        {
            config = ConfigFactory.parseFile(file.toFile()).resolve();
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("--input " + file + " is not valid HOCON: " + ex.getMessage());
        }
        final Config data = config.hasPath("data") ? config.getConfig("data") : config;
        final long fileSeed = config.hasPath("job.seed") ? config.getLong("job.seed") : defaultSeed;
        return new InputSource(DataSettings.from(data), null != seed ? seed : fileSeed);
    }

    private static Path requireFile(final String input)
    {
        final Path path = Path.of(input);
        if (!Files.isRegularFile(path) || !Files.isReadable(path))
        {
            throw new BadInputException("--input " + input + " does not exist or is not a readable file");
        }
        return path;
    }
}
