package io.descent.nn.layer;

import io.descent.nn.error.BadInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element-wise (and row-wise, for softmax) activation functions, applied in place on preallocated [batch × units]
 * arrays by an {@link ActivationKernel} bound to them. The backward pass needs only the activation's output {@code a},
 * so a layer keeps a single buffer.
 */
public enum Activation
{
    IDENTITY("identity"),
    RELU("relu"),
    /** Leaky ReLU with slope {@link #LEAKY_SLOPE} for negative inputs. */
    LEAKY_RELU("leaky-relu"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    /** Row-wise softmax; meant for the output layer. */
    SOFTMAX("softmax");

    /** Negative-side slope of {@link #LEAKY_RELU}. */
    public static final double LEAKY_SLOPE = 0.01;

    private final String configName;

    Activation(final String configName)
    {
        this.configName = configName;
    }

    /** @return the name used in configuration files, e.g. {@code leaky-relu}. */
    public String configName()
    {
        return configName;
    }

    /**
     * Parses a configuration name.
     *
     * @param name the name, e.g. {@code relu}.
     * @param key  the configuration key it came from, for the error message.
     * @return the activation.
     * @throws BadInputException naming the key, the value and the valid names.
     */
    public static Activation fromConfig(final String name, final String key)
    {
        final String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (final Activation activation : values())
        {
            if (activation.configName.equals(wanted))
            {
                return activation;
            }
        }
        throw new BadInputException("unknown activation '" + name + "' at " + key + "; valid: " +
            Arrays.stream(values()).map(Activation::configName).collect(Collectors.joining(", ")));
    }
}
