package io.descent.transport.codec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.transport.config.InvalidSettingException;

/**
 * Settings of the threshold codec ({@code descent.cluster.threshold}): the fraction of a range's elements a worker
 * aims to send each step, the bounds of the quantum τ and how many quanta one element may carry at once. Immutable
 * and thread-safe; validated on construction.
 *
 * @param density    the target fraction of elements sent a step, in (0, 1] (e.g. 0.01 sends about 1 %).
 * @param initialTau the quantum τ the first step starts from; in [minTau, maxTau].
 * @param minTau     the smallest τ, positive: a residual below it is never sent.
 * @param maxTau     the largest τ, at least {@code minTau}.
 * @param levels     the most quanta an element sends at once, in [1, {@value #MAX_LEVELS}]: 1 sends {@code ±τ} (wire
 *                   format version 1, two bits an element); more sends {@code ±k·τ}, {@code k = round(|r| / τ)}
 *                   clamped to it (version 2, a byte of {@code k} an element), so an element whose residual grew to
 *                   several τ catches up in one message instead of one τ a message.
 */
public record ThresholdSettings(double density, double initialTau, double minTau, double maxTau, int levels)
{
    /** The most quanta one element may carry ({@code levels}): what a signed byte holds. */
    public static final int MAX_LEVELS = 127;

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
        if (levels < 1 || levels > MAX_LEVELS)
        {
            throw new InvalidSettingException(key("levels"), levels, "an integer between 1 and " + MAX_LEVELS);
        }
        if (!(density > 0.0 && density <= 1.0))
        {
            throw new InvalidSettingException(key("density"), density, "a fraction in (0, 1], e.g. 0.01");
        }
        checkTau("min-tau", minTau, SMALLEST_TAU, LARGEST_TAU);
        checkTau("max-tau", maxTau, minTau, LARGEST_TAU);
        checkTau("initial-tau", initialTau, minTau, maxTau);
    }

    /** One quantum an element a step ({@code levels = 1}, wire format version 1). */
    public ThresholdSettings(final double density, final double initialTau, final double minTau, final double maxTau)
    {
        this(density, initialTau, minTau, maxTau, 1);
    }

    /** @return these settings with {@code levels} quanta an element at most. */
    public ThresholdSettings withLevels(final int newLevels)
    {
        return new ThresholdSettings(density, initialTau, minTau, maxTau, newLevels);
    }

    /**
     * Reads and validates {@code descent.cluster.threshold} ({@code density}, {@code initial-tau}, {@code min-tau},
     * {@code max-tau}; one quantum an element a step).
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
