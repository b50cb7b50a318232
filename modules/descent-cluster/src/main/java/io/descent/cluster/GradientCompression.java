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
 *                    (float32), {@code fp16} or {@code bf16}; the server keeps float32 master weights either way.
 */
public record GradientCompression(
    Compression compression, double density, double initialTau, double minTau, double maxTau, Compression weights)
{
    /** Dense float32 gradients and weights (the default). */
    public static final GradientCompression NONE = new GradientCompression(Compression.NONE, 0.01, 1e-3, 1e-8, 1.0);

    /** Gradients as given, weights as float32. */
    public GradientCompression(
        final Compression compression, final double density, final double initialTau, final double minTau,
        final double maxTau)
    {
        this(compression, density, initialTau, minTau, maxTau, Compression.NONE);
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
        final double density = number(c, path, "threshold.density");
        if (!(density > 0.0 && density <= 1.0))
        {
            throw new BadInputException(path + ".threshold.density = " + density + " is out of range; allowed: " +
                "above 0 up to 1 (the fraction of gradient values sent per step, e.g. 0.01)");
        }
        final double minTau = number(c, path, "threshold.min-tau");
        final double maxTau = number(c, path, "threshold.max-tau");
        final double initialTau = number(c, path, "threshold.initial-tau");
        if (!(minTau > 0.0) || !(maxTau >= minTau) || Double.isInfinite(maxTau))
        {
            throw new BadInputException(path + ".threshold.min-tau = " + minTau + " and max-tau = " + maxTau +
                " must satisfy 0 < min-tau <= max-tau (finite)");
        }
        if (!(initialTau >= minTau && initialTau <= maxTau))
        {
            throw new BadInputException(path + ".threshold.initial-tau = " + initialTau + " is out of range; " +
                "allowed: min-tau " + minTau + " .. max-tau " + maxTau);
        }
        try
        {
            // The codec's own bounds too (τ between 1e-30 and 1e30), so an encoder made at a join never refuses.
            new ThresholdSettings(density, initialTau, minTau, maxTau);
        }
        catch (final InvalidSettingException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        return new GradientCompression(compression, density, initialTau, minTau, maxTau, weights(c, path));
    }

    /** @return a copy whose weights travel as {@code newWeights} (NONE, FP16 or BF16). */
    public GradientCompression withWeights(final Compression newWeights)
    {
        return new GradientCompression(compression, density, initialTau, minTau, maxTau, newWeights);
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
        if (null == weights || weights.isVariableLength())
        {
            throw new BadInputException(path + ".weight-compression = '" + value + "' is not a weights encoding; " +
                "allowed: none, fp16, bf16");
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
        return weights == Compression.NONE ? gradients : gradients + ", weights " + weights.label();
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
