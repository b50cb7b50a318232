package io.descent.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.nn.error.BadInputException;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.ThresholdSettings;
import io.descent.transport.config.InvalidSettingException;

import java.util.Locale;

/**
 * How workers encode their gradients on the data plane ({@code descent.cluster.compression} and, for
 * {@code threshold}, {@code descent.cluster.threshold { density, initial-tau, min-tau, max-tau }}). Every node of a job
 * must agree: a worker configured otherwise is refused at registration ({@link #label()}). Immutable.
 *
 * @param compression the encoding.
 * @param density     threshold: the target fraction of values sent per step, in (0, 1].
 * @param initialTau  threshold: τ at the first step, within [minTau, maxTau].
 * @param minTau      threshold: the smallest τ the adaptation may reach (&gt; 0).
 * @param maxTau      threshold: the largest τ.
 * @param weights     how the server publishes weights ({@code descent.cluster.weight-compression}): {@code none}
 *                    (float32), {@code fp16}, {@code bf16} or {@code threshold} (each version's change, error
 *                    compensated against the copy every worker holds); the server keeps float32 master weights.
 * @param weightThreshold threshold weights: the {@code weight-threshold} section (density, τ, levels); else
 *                    {@link #WEIGHT_THRESHOLD_DEFAULTS}, unused.
 * @param weightLead  threshold weights: {@code weight-threshold.lead}, how many versions of the master's last change
 *                    the shadow aims ahead of it (at most τ / 2 a value), 0 for none; see {@code WeightShadow}.
 */
public record GradientCompression(
    Compression compression, double density, double initialTau, double minTau, double maxTau, Compression weights,
    ThresholdSettings weightThreshold, double weightLead)
{
    /**
     * The {@code weight-threshold} section's defaults (reference.conf): 1 % of the values, τ from 1e-4, up to
     * {@value #WEIGHT_LEVELS} quanta an element a version.
     */
    public static final ThresholdSettings WEIGHT_THRESHOLD_DEFAULTS =
        new ThresholdSettings(0.01, 1e-4, 1e-10, 1.0, GradientCompression.WEIGHT_LEVELS);

    /** {@code weight-threshold.levels}' default: an element catches up by up to this many τ in one version. */
    public static final int WEIGHT_LEVELS = 127;

    /** {@code weight-threshold.lead}'s default (reference.conf). */
    public static final double WEIGHT_LEAD = 3.0;

    /** The largest {@code weight-threshold.lead} accepted. */
    public static final double MAX_WEIGHT_LEAD = 1000.0;

    /** Dense float32 gradients and weights (the default). */
    public static final GradientCompression NONE = new GradientCompression(Compression.NONE, 0.01, 1e-3, 1e-8, 1.0);

    /** Threshold weights with {@code weight-threshold.lead}'s default. */
    public GradientCompression(
        final Compression compression, final double density, final double initialTau, final double minTau,
        final double maxTau, final Compression weights, final ThresholdSettings weightThreshold)
    {
        this(compression, density, initialTau, minTau, maxTau, weights, weightThreshold, WEIGHT_LEAD);
    }

    /** Gradients as given, weights as float32. */
    public GradientCompression(
        final Compression compression, final double density, final double initialTau, final double minTau,
        final double maxTau)
    {
        this(compression, density, initialTau, minTau, maxTau, Compression.NONE);
    }

    /** Gradients and weights as given; a threshold on the weights takes the {@code weight-threshold} defaults. */
    public GradientCompression(
        final Compression compression, final double density, final double initialTau, final double minTau,
        final double maxTau, final Compression weights)
    {
        this(compression, density, initialTau, minTau, maxTau, weights, WEIGHT_THRESHOLD_DEFAULTS);
    }

    /**
     * Reads and checks {@code compression} and the {@code threshold} section under {@code c}.
     *
     * @param c    the {@code descent.cluster} section.
     * @param path its path, for messages.
     * @throws BadInputException naming the key, the bad value and what is allowed.
     */
    static GradientCompression from(final Config c, final String path)
    {
        final String raw = c.getValue("compression").unwrapped().toString().trim().toLowerCase(Locale.ROOT);
        final Compression compression = Compression.fromLabel(raw);
        if (null == compression)
        {
            throw new BadInputException(path + ".compression = '" + c.getValue("compression").unwrapped() +
                "' is not a gradient compression; allowed: none, fp16, bf16, threshold");
        }
        final ThresholdSettings threshold = threshold(c, path, "threshold", "gradient");
        final Compression weights = weights(c, path);
        final ThresholdSettings weightThreshold = weights == Compression.THRESHOLD ?
            threshold(c, path, "weight-threshold", "weight-change").withLevels(weightLevels(c, path)) :
            WEIGHT_THRESHOLD_DEFAULTS;
        final double weightLead = weights == Compression.THRESHOLD ? weightLead(c, path) : WEIGHT_LEAD;
        return new GradientCompression(compression, threshold.density(), threshold.initialTau(), threshold.minTau(),
            threshold.maxTau(), weights, weightThreshold, weightLead);
    }

    /**
     * Reads and checks a threshold section ({@code threshold} or {@code weight-threshold}).
     *
     * @param what what its density is a fraction of, for messages ({@code gradient}, {@code weight-change}).
     */
    private static ThresholdSettings threshold(final Config c, final String path, final String section,
        final String what)
    {
        final String at = path + "." + section;
        final double density = number(c, path, section + ".density");
        if (!(density > 0.0 && density <= 1.0))
        {
            throw new BadInputException(at + ".density = " + density + " is out of range; allowed: " +
                "above 0 up to 1 (the fraction of " + what + " values sent per step, e.g. 0.01)");
        }
        final double minTau = number(c, path, section + ".min-tau");
        final double maxTau = number(c, path, section + ".max-tau");
        final double initialTau = number(c, path, section + ".initial-tau");
        if (!(minTau > 0.0) || !(maxTau >= minTau) || Double.isInfinite(maxTau))
        {
            throw new BadInputException(at + ".min-tau = " + minTau + " and max-tau = " + maxTau +
                " must satisfy 0 < min-tau <= max-tau (finite)");
        }
        if (!(initialTau >= minTau && initialTau <= maxTau))
        {
            throw new BadInputException(at + ".initial-tau = " + initialTau + " is out of range; " +
                "allowed: min-tau " + minTau + " .. max-tau " + maxTau);
        }
        try
        {
            // The codec's own bounds too (τ between 1e-30 and 1e30), so an encoder made at a join never refuses.
            return new ThresholdSettings(density, initialTau, minTau, maxTau);
        }
        catch (final InvalidSettingException ex)
        {
            throw new BadInputException(section.equals("threshold") ? ex.getMessage() :
                ex.getMessage().replace(ThresholdSettings.PATH, at));
        }
    }

    /** Reads and checks {@code weight-threshold.levels}: an integer in [1, 127]. */
    private static int weightLevels(final Config c, final String path)
    {
        final String key = "weight-threshold.levels";
        final int levels;
        try
        {
            levels = c.getInt(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(path + "." + key + " must be an integer: " + ex.getMessage());
        }
        if (levels < 1 || levels > ThresholdSettings.MAX_LEVELS)
        {
            throw new BadInputException(path + "." + key + " = " + levels + " is out of range; allowed: 1 .. " +
                ThresholdSettings.MAX_LEVELS + " (the most quanta of tau one weight moves by in a version)");
        }
        return levels;
    }

    /** Reads and checks {@code weight-threshold.lead}: a number in [0, 1000]. */
    private static double weightLead(final Config c, final String path)
    {
        final double lead = number(c, path, "weight-threshold.lead");
        if (!(lead >= 0.0 && lead <= MAX_WEIGHT_LEAD))
        {
            throw new BadInputException(path + ".weight-threshold.lead = " + lead + " is out of range; allowed: 0 .. " +
                MAX_WEIGHT_LEAD + " (versions of the master's last change the workers' copy aims ahead, 0 for none)");
        }
        return lead;
    }

    /** @return a copy whose threshold-coded weights aim {@code lead} versions ahead ({@code weight-threshold.lead}). */
    public GradientCompression withWeightLead(final double lead)
    {
        return new GradientCompression(compression, density, initialTau, minTau, maxTau, weights, weightThreshold, lead);
    }

    /** @return a copy whose weights travel as {@code newWeights} (a threshold keeps this one's settings). */
    public GradientCompression withWeights(final Compression newWeights)
    {
        return new GradientCompression(compression, density, initialTau, minTau, maxTau, newWeights, weightThreshold,
            weightLead);
    }

    /**
     * @return true when the server publishes each version's change, threshold-coded against the copy every worker
     * holds (which then needs every version, in order, after one dense copy).
     */
    public boolean weightsAsDeltas()
    {
        return weights == Compression.THRESHOLD;
    }

    /**
     * Refuses threshold-coded weights under {@code ssp} and {@code async}, where each worker holds weights of its own
     * version: no single copy to code the change against.
     *
     * @throws BadInputException one line naming both settings.
     */
    void check(final Consistency consistency, final String path)
    {
        final Consistency.Mode mode = consistency.mode();
        if (weightsAsDeltas() && (mode == Consistency.Mode.SSP || mode == Consistency.Mode.ASYNC))
        {
            throw new BadInputException(path + ".weight-compression = threshold is not supported with " +
                path + ".consistency = " + mode.label() + " (each worker holds weights of its own version); " +
                "use weight-compression = fp16 or bf16, or consistency = sync or backup");
        }
    }

    /** @return true unless weights travel as plain float32. */
    public boolean compressesWeights()
    {
        return weights != Compression.NONE;
    }

    private static Compression weights(final Config c, final String path)
    {
        final Object value = c.getValue("weight-compression").unwrapped();
        final Compression weights = Compression.fromLabel(value.toString().trim().toLowerCase(Locale.ROOT));
        if (null == weights)
        {
            throw new BadInputException(path + ".weight-compression = '" + value + "' is not a weights encoding; " +
                "allowed: none, fp16, bf16, threshold");
        }
        return weights;
    }

    /** @return true unless gradients travel as plain float32. */
    public boolean compresses()
    {
        return compression != Compression.NONE;
    }

    /**
     * @return what every node of a job must agree on, e.g. {@code fp16}, {@code fp16, weights fp16} or
     * {@code threshold (density = 0.01, initial-tau = 0.001, min-tau = 1.0E-8, max-tau = 1.0)}.
     */
    public String label()
    {
        final String gradients = compression != Compression.THRESHOLD ? compression.label() : compression.label() +
            " (density = " + density + ", initial-tau = " + initialTau + ", min-tau = " + minTau + ", max-tau = " +
            maxTau + ")";
        final String weightsLabel = weights != Compression.THRESHOLD ? weights.label() : weights.label() +
            " (density = " + weightThreshold.density() + ", initial-tau = " + weightThreshold.initialTau() +
            ", min-tau = " + weightThreshold.minTau() + ", max-tau = " + weightThreshold.maxTau() + ", levels = " +
            weightThreshold.levels() + ", lead = " + weightLead + ")";
        return weights == Compression.NONE ? gradients : gradients + ", weights " + weightsLabel;
    }

    private static double number(final Config c, final String path, final String key)
    {
        try
        {
            return c.getDouble(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(path + "." + key + " must be a number: " + ex.getMessage());
        }
    }
}
