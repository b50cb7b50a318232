package io.descent.nn.loss;

import io.descent.nn.error.BadInputException;
import io.descent.nn.layer.Activation;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Loss functions over a minibatch: the value is averaged over the batch (and, for the element-wise losses, over
 * the outputs too), and so is the gradient.
 *
 * <p>Cross-entropy expects a softmax output and binary cross-entropy a sigmoid output; for those pairs the
 * gradient with respect to the pre-activation is the well-conditioned {@code (a − y) / n}, so the output layer
 * skips its activation's backward pass ({@link #fusesWithOutput()}).
 *
 * <p>Outputs are small ([batch × classes]), so value and gradient are computed in one plain loop over the
 * arrays' buffers: one pass instead of five native op launches, each costing more than the arithmetic. Arrays must
 * be contiguous row-major with offset 0, as the model's own buffers and the minibatch arrays are.
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
     * @param output [batch × k] model outputs (activations).
     * @param target [batch × k] targets (one-hot for classification).
     * @return the loss averaged as documented per constant.
     */
    public double value(final INDArray output, final INDArray target)
    {
        return valueAndGradient(output, target, null);
    }

    /**
     * The loss and its gradient in one pass. The gradient is dL/dz (pre-activation) for the fused losses
     * ({@link #fusesWithOutput()}), dL/da otherwise.
     *
     * @param output   [batch × k] model outputs.
     * @param target   [batch × k] targets.
     * @param gradient [batch × k] destination, or null for the value only.
     * @return the loss.
     */
    public double valueAndGradient(final INDArray output, final INDArray target, final INDArray gradient)
    {
        final DataBuffer a = contiguous(output);
        final DataBuffer y = contiguous(target);
        final DataBuffer g = null == gradient ? null : contiguous(gradient);
        final long n = output.length();
        final double perExample = 1.0 / output.rows();
        final double perElement = 1.0 / n;
        double sum = 0.0;
        for (long i = 0; i < n; i++)
        {
            final double ai = a.getDouble(i);
            final double yi = y.getDouble(i);
            final double diff = ai - yi;
            switch (this)
            {
                case MSE ->
                {
                    sum += diff * diff;
                    if (null != g)
                    {
                        g.put(i, 2.0 * diff * perElement);
                    }
                }
                case MAE ->
                {
                    sum += Math.abs(diff);
                    if (null != g)
                    {
                        g.put(i, Math.signum(diff) * perElement);
                    }
                }
                case CROSS_ENTROPY ->
                {
                    if (yi != 0.0)
                    {
                        sum -= yi * Math.log(Math.max(ai, LOG_FLOOR));
                    }
                    if (null != g)
                    {
                        g.put(i, diff * perExample);
                    }
                }
                case BINARY_CROSS_ENTROPY ->
                {
                    sum -= yi * Math.log(Math.max(ai, LOG_FLOOR)) + (1.0 - yi) * Math.log(Math.max(1.0 - ai, LOG_FLOOR));
                    if (null != g)
                    {
                        g.put(i, diff * perElement);
                    }
                }
                default -> throw new IllegalStateException("unhandled loss " + this);
            }
        }
        return this == CROSS_ENTROPY ? sum * perExample : sum * perElement;
    }

    private static DataBuffer contiguous(final INDArray array)
    {
        if (array.ordering() != 'c' || array.offset() != 0 || array.data().length() < array.length() ||
            array.elementWiseStride() != 1)
        {
            throw new IllegalArgumentException("loss arrays must be contiguous row-major with offset 0, got " +
                array.shapeInfoToString());
        }
        return array.data();
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
