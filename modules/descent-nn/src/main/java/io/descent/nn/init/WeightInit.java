package io.descent.nn.init;

import io.descent.nn.error.BadInputException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * How a weight (or bias) array is initialised: a distribution kind plus, for the fixed-scale kinds, its parameter.
 *
 * <p>Config syntax: {@code he-normal}, {@code xavier-uniform}, {@code uniform(0.05)} (U(−a, a)),
 * {@code normal(0.01)} (N(0, σ²)), {@code constant(0.1)}, {@code zeros}.
 *
 * @param kind      the distribution.
 * @param parameter a for uniform, σ for normal, the value for constant; ignored by the fan-scaled kinds.
 */
public record WeightInit(Kind kind, double parameter)
{
    /** The supported initialisation schemes; fan-scaled ones use fan-in/fan-out of the layer. */
    public enum Kind
    {
        ZEROS("zeros", false),
        CONSTANT("constant", true),
        UNIFORM("uniform", true),
        NORMAL("normal", true),
        XAVIER_UNIFORM("xavier-uniform", false),
        XAVIER_NORMAL("xavier-normal", false),
        HE_UNIFORM("he-uniform", false),
        HE_NORMAL("he-normal", false),
        LECUN_NORMAL("lecun-normal", false);

        private final String configName;
        private final boolean hasParameter;

        Kind(final String configName, final boolean hasParameter)
        {
            this.configName = configName;
            this.hasParameter = hasParameter;
        }

        /** @return the configuration name, e.g. {@code he-normal}. */
        public String configName()
        {
            return configName;
        }
    }

    /** All zeros. */
    public static final WeightInit ZEROS = new WeightInit(Kind.ZEROS, 0.0);

    /**
     * Standard deviation of the distribution this initialiser draws from, for the given fans.
     *
     * @param fanIn  inputs of the layer.
     * @param fanOut outputs of the layer.
     * @return the standard deviation (0 for zeros and constant).
     */
    public double standardDeviation(final int fanIn, final int fanOut)
    {
        return switch (kind)
        {
            case ZEROS, CONSTANT -> 0.0;
            case UNIFORM -> parameter / Math.sqrt(3.0);
            case NORMAL -> parameter;
            case XAVIER_UNIFORM, XAVIER_NORMAL -> Math.sqrt(2.0 / (fanIn + fanOut));
            case HE_UNIFORM, HE_NORMAL -> Math.sqrt(2.0 / fanIn);
            case LECUN_NORMAL -> Math.sqrt(1.0 / fanIn);
        };
    }

    /** @return the mean of the distribution (the value for constant, else 0). */
    public double mean()
    {
        return kind == Kind.CONSTANT ? parameter : 0.0;
    }

    /**
     * Fills {@code target} with draws from this distribution.
     *
     * @param target the array to fill (any shape, a view into the model's flat buffer).
     * @param fanIn  inputs of the layer.
     * @param fanOut outputs of the layer.
     * @param random the seeded source; draws are taken in row-major order of {@code target}.
     */
    public void fill(final INDArray target, final int fanIn, final int fanOut, final SplittableRandom random)
    {
        final double[] values = new double[Math.toIntExact(target.length())];
        final double std = standardDeviation(fanIn, fanOut);
        final boolean uniform = kind == Kind.UNIFORM || kind == Kind.XAVIER_UNIFORM || kind == Kind.HE_UNIFORM;
        final double limit = std * Math.sqrt(3.0);
        for (int i = 0; i < values.length; i++)
        {
            if (kind == Kind.ZEROS || kind == Kind.CONSTANT)
            {
                values[i] = mean();
            }
            else if (uniform)
            {
                values[i] = limit * (2.0 * random.nextDouble() - 1.0);
            }
            else
            {
                values[i] = std * random.nextGaussian();
            }
        }
        target.assign(Nd4j.create(values, target.shape(), 'c').castTo(target.dataType()));
    }

    /** @return the configuration form, e.g. {@code he-normal} or {@code uniform(0.05)}. */
    @Override
    public String toString()
    {
        return kind.hasParameter ? kind.configName + "(" + parameter + ")" : kind.configName;
    }

    /**
     * Parses the configuration form.
     *
     * @param text e.g. {@code he-normal} or {@code normal(0.01)}.
     * @param key  the configuration key, for error messages.
     * @return the initialiser.
     * @throws BadInputException naming the key, the value and the valid forms.
     */
    public static WeightInit parse(final String text, final String key)
    {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        final int open = trimmed.indexOf('(');
        final String name = open < 0 ? trimmed : trimmed.substring(0, open).trim();
        for (final Kind kind : Kind.values())
        {
            if (kind.configName.equals(name))
            {
                return new WeightInit(kind, kind.hasParameter ? parameter(trimmed, open, key) : 0.0);
            }
        }
        throw new BadInputException("unknown initializer '" + text + "' at " + key + "; valid: " + validForms());
    }

    private static double parameter(final String text, final int open, final String key)
    {
        if (open < 0 || !text.endsWith(")"))
        {
            throw new BadInputException("initializer '" + text + "' at " + key +
                " needs a parameter, e.g. " + text + "(0.05)");
        }
        final double value;
        try
        {
            value = Double.parseDouble(text.substring(open + 1, text.length() - 1).trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException("initializer '" + text + "' at " + key + " has a non-numeric parameter");
        }
        if (!Double.isFinite(value) || (!text.startsWith("constant") && value <= 0.0))
        {
            throw new BadInputException("initializer '" + text + "' at " + key + " needs a finite parameter" +
                (text.startsWith("constant") ? "" : " > 0"));
        }
        return value;
    }

    private static String validForms()
    {
        return Arrays.stream(Kind.values())
            .map(k -> k.hasParameter ? k.configName + "(x)" : k.configName)
            .collect(Collectors.joining(", "));
    }
}
