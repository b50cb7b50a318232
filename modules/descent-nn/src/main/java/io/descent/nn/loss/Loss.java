package io.descent.nn.loss;

import io.descent.nn.BadInputException;
import io.descent.nn.layer.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Loss functions over a minibatch: the value is averaged over the batch (and, for the element-wise losses, over
 * the outputs too), and so is the gradient. All work goes into caller-provided [batch × outputs] arrays.
 *
 * <p>Cross-entropy expects a softmax output and binary cross-entropy a sigmoid output; for those pairs the
 * gradient with respect to the pre-activation is the well-conditioned {@code (a − y) / n}
 * ({@link #preActivationGradient}), so the output layer skips its activation's backward pass.
 */
public enum Loss
{
    /** Mean squared error: mean over batch and outputs of (a − y)². */
    MSE("mse", null),
    /** Mean absolute error: mean over batch and outputs of |a − y|. */
    MAE("mae", null),
    /** Softmax cross-entropy: −(1/batch) Σ y·log a, with a the softmax output. */
    CROSS_ENTROPY("cross-entropy", Activation.SOFTMAX),
    /** Sigmoid binary cross-entropy: mean over batch and outputs of −[y·log a + (1 − y)·log(1 − a)]. */
    BINARY_CROSS_ENTROPY("binary-cross-entropy", Activation.SIGMOID);

    /** Probabilities are clipped at this value before taking logs, so a saturated output gives a finite loss. */
    public static final double LOG_FLOOR = 1e-12;

    private final String configName;
    private final Activation requiredOutput;

    Loss(final String configName, final Activation requiredOutput)
    {
        this.configName = configName;
        this.requiredOutput = requiredOutput;
    }

    /** @return the configuration name, e.g. {@code cross-entropy}. */
    public String configName()
    {
        return configName;
    }

    /** @return the output activation this loss needs (and fuses with), or null when any output works. */
    public Activation requiredOutput()
    {
        return requiredOutput;
    }

    /** @return true when the gradient is taken directly with respect to the pre-activation (fused). */
    public boolean fusesWithOutput()
    {
        return null != requiredOutput;
    }

    /**
     * @param output  [batch × k] model outputs (activations).
     * @param target  [batch × k] targets (one-hot for classification).
     * @param scratch [batch × k] scratch, overwritten.
     * @return the loss averaged as documented per constant.
     */
    public double value(final INDArray output, final INDArray target, final INDArray scratch)
    {
        final long rows = output.rows();
        final long elements = output.length();
        return switch (this)
        {
            case MSE ->
            {
                Nd4j.exec(new SubOp(output, target, scratch));
                yield dot(scratch, scratch) / elements;
            }
            case MAE ->
            {
                Nd4j.exec(new SubOp(output, target, scratch));
                Nd4j.exec(new Abs(scratch, scratch));
                yield scratch.sumNumber().doubleValue() / elements;
            }
            case CROSS_ENTROPY -> -dot(clippedLog(output, scratch), target) / rows;
            case BINARY_CROSS_ENTROPY ->
            {
                final double positive = dot(clippedLog(output, scratch), target);
                Nd4j.exec(new ScalarReverseSubtraction(output, scratch, 1.0));
                clippedLog(scratch, scratch);
                // Σ (1 − y)·log(1 − a) = Σ log(1 − a) − Σ y·log(1 − a)
                final double negative = scratch.sumNumber().doubleValue() - dot(scratch, target);
                yield -(positive + negative) / elements;
            }
        };
    }

    /**
     * dL/da for the non-fused losses.
     *
     * @param output   [batch × k] model outputs.
     * @param target   [batch × k] targets.
     * @param gradient [batch × k] destination.
     */
    public void outputGradient(final INDArray output, final INDArray target, final INDArray gradient)
    {
        final long elements = output.length();
        switch (this)
        {
            case MSE ->
            {
                Nd4j.exec(new SubOp(output, target, gradient));
                gradient.muli(2.0 / elements);
            }
            case MAE ->
            {
                Nd4j.exec(new SubOp(output, target, gradient));
                Nd4j.exec(new Sign(gradient, gradient));
                gradient.muli(1.0 / elements);
            }
            default -> preActivationGradient(output, target, gradient);
        }
    }

    /**
     * dL/dz for the fused losses: {@code (a − y)/batch} for cross-entropy, {@code (a − y)/(batch·k)} for binary
     * cross-entropy.
     *
     * @param output   [batch × k] model outputs (softmax or sigmoid).
     * @param target   [batch × k] targets.
     * @param gradient [batch × k] destination.
     */
    public void preActivationGradient(final INDArray output, final INDArray target, final INDArray gradient)
    {
        if (!fusesWithOutput())
        {
            throw new IllegalStateException(this + " has no fused pre-activation gradient");
        }
        Nd4j.exec(new SubOp(output, target, gradient));
        gradient.muli(1.0 / (this == CROSS_ENTROPY ? output.rows() : output.length()));
    }

    private static INDArray clippedLog(final INDArray probabilities, final INDArray destination)
    {
        Nd4j.exec(new ScalarMax(probabilities, null, destination, LOG_FLOOR));
        Nd4j.exec(new Log(destination, destination));
        return destination;
    }

    private static double dot(final INDArray x, final INDArray y)
    {
        return Nd4j.getBlasWrapper().level1().dot(x.length(), 1.0, x, y);
    }

    /**
     * Parses a configuration name.
     *
     * @param name e.g. {@code cross-entropy}.
     * @param key  configuration key, for the error message.
     * @return the loss.
     * @throws BadInputException naming key, value and valid names.
     */
    public static Loss fromConfig(final String name, final String key)
    {
        final String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (final Loss loss : values())
        {
            if (loss.configName.equals(wanted))
            {
                return loss;
            }
        }
        throw new BadInputException("unknown loss '" + name + "' at " + key + "; valid: " +
            Arrays.stream(values()).map(Loss::configName).collect(Collectors.joining(", ")));
    }
}
