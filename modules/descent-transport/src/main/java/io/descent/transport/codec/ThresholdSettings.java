package io.descent.transport.codec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.transport.config.InvalidSettingException;

/**
 * Settings of the threshold codec ({@code descent.cluster.threshold}): the fraction of a range's elements a worker
 * aims to send each step and the bounds of the quantum τ. Immutable and thread-safe; validated on construction.
 *
 * @param density    the target fraction of elements sent a step, in (0, 1] (e.g. 0.01 sends about 1 %).
 * @param initialTau the quantum τ the first step starts from; in [minTau, maxTau].
 * @param minTau     the smallest τ, positive: a residual below it is never sent.
 * @param maxTau     the largest τ, at least {@code minTau}: one quantum never carries more.
 */
public record ThresholdSettings(double density, double initialTau, double minTau, double maxTau)
{
    /** Where the settings live in the HOCON tree. */
    public static final String PATH = "descent.cluster.threshold";

    /** The smallest τ bound accepted (far above float32's smallest normal value, so τ is never 0). */
    public static final double SMALLEST_TAU = 1e-30;

    /** The largest τ bound accepted (4 × it is still a finite float32). */
    public static final double LARGEST_TAU = 1e30;

    /** Density 1 %, τ starting at 1e-3 and kept within [1e-8, 100]. */
    public static final ThresholdSettings DEFAULTS = new ThresholdSettings(0.01, 1e-3, 1e-8, 100.0);

    /**
     * @throws InvalidSettingException naming the key ({@code descent.cluster.threshold.density}, …), the value and
     * the allowed range of the first bad setting.
     */
    public ThresholdSettings
    {
        if (!(density > 0.0 && density <= 1.0))
        {
            throw new InvalidSettingException(key("density"), density, "a fraction in (0, 1], e.g. 0.01");
        }
        checkTau("min-tau", minTau, SMALLEST_TAU, LARGEST_TAU);
        checkTau("max-tau", maxTau, minTau, LARGEST_TAU);
        checkTau("initial-tau", initialTau, minTau, maxTau);
    }

    /**
     * Reads and validates {@code descent.cluster.threshold} ({@code density}, {@code initial-tau}, {@code min-tau},
     * {@code max-tau}).
     *
     * @param root the whole configuration.
     * @return the settings.
     * @throws InvalidSettingException naming the key, value and allowed range of the first bad or missing setting.
     */
    public static ThresholdSettings from(final Config root)
    {
        return new ThresholdSettings(
            number(root, "density"), number(root, "initial-tau"), number(root, "min-tau"), number(root, "max-tau"));
    }

    private static double number(final Config root, final String name)
    {
        try
        {
            return root.getDouble(key(name));
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(key(name), key(name) + ": " + ex.getMessage(), ex);
        }
    }

    private static void checkTau(final String name, final double value, final double min, final double max)
    {
        if (!(value >= min && value <= max))
        {
            throw new InvalidSettingException(key(name), value, "a number between " + min + " and " + max);
        }
    }

    private static String key(final String name)
    {
        return PATH + "." + name;
    }
}
