package io.descent.nn.layer;

import io.descent.nn.error.BadInputException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element-wise (and row-wise, for softmax) activation functions, applied in place on preallocated [batch × units]
 * arrays. The backward pass needs only the activation's output {@code a}, so a layer keeps a single buffer.
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
     * Replaces pre-activations {@code z} by activations, in place.
     *
     * @param z [batch × units] pre-activations; on return the activations.
     */
    public void forward(final INDArray z)
    {
        switch (this)
        {
            case IDENTITY -> { }
            case RELU -> Nd4j.exec(new RectifiedLinear(z, z, 0.0));
            case LEAKY_RELU -> Nd4j.exec(new LeakyReLU(z, z, LEAKY_SLOPE));
            case TANH -> Nd4j.exec(new Tanh(z, z));
            case SIGMOID -> Nd4j.exec(new Sigmoid(z, z));
            case SOFTMAX -> Nd4j.exec(new SoftMax(z, z, 1));
            default -> throw new IllegalStateException("unhandled activation " + this);
        }
    }

    /**
     * Turns dL/da into dL/dz in place, given the activations {@code a}.
     *
     * @param a       [batch × units] activations from {@link #forward}.
     * @param delta   [batch × units] dL/da on entry, dL/dz on return.
     * @param scratch [batch × units] scratch space, overwritten.
     * @param rowSums [batch × 1] scratch space, overwritten (softmax only).
     */
    public void backward(final INDArray a, final INDArray delta, final INDArray scratch, final INDArray rowSums)
    {
        switch (this)
        {
            case IDENTITY -> { }
            case RELU -> multiplyBy(delta, Nd4j.exec(new Step(a, scratch, 0.0)));
            case LEAKY_RELU ->
            {
                Nd4j.exec(new Step(a, scratch, 0.0));
                scratch.muli(1.0 - LEAKY_SLOPE).addi(LEAKY_SLOPE);
                multiplyBy(delta, scratch);
            }
            case TANH ->
            {
                Nd4j.exec(new MulOp(a, a, scratch));
                Nd4j.exec(new ScalarReverseSubtraction(scratch, scratch, 1.0));
                multiplyBy(delta, scratch);
            }
            case SIGMOID ->
            {
                Nd4j.exec(new ScalarReverseSubtraction(a, scratch, 1.0));
                multiplyBy(scratch, a);
                multiplyBy(delta, scratch);
            }
            case SOFTMAX ->
            {
                // dz = a ⊙ (da − rowsum(da ⊙ a)): the softmax Jacobian applied without forming it.
                Nd4j.exec(new MulOp(delta, a, scratch));
                scratch.sum(rowSums, 1);
                delta.subiColumnVector(rowSums);
                multiplyBy(delta, a);
            }
            default -> throw new IllegalStateException("unhandled activation " + this);
        }
    }

    private static void multiplyBy(final INDArray target, final INDArray factor)
    {
        Nd4j.exec(new MulOp(target, factor, target));
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
