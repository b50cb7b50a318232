package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * One layer of a feed-forward model. Parameters and their gradients are views into the model's two flat buffers
 * ({@link #bind}); activations live in per-batch-size {@link LayerBuffers} allocated once ({@link #allocate}).
 * Not thread-safe: a model and its layers belong to one thread.
 */
public interface Layer
{
    /** @return width of the input. */
    int inputSize();

    /** @return width of the output. */
    int outputSize();

    /** @return number of parameters this layer owns in the flat buffer. */
    long parameterCount();

    /** @return a stable description of the architecture, part of the model fingerprint. */
    String describe();

    /**
     * Points this layer's parameters and gradients at {@code [offset, offset + parameterCount())} of the flat
     * buffers.
     *
     * @param parameters flat parameter vector.
     * @param gradients  flat gradient vector of the same length and type.
     * @param offset     first element owned by this layer.
     */
    void bind(INDArray parameters, INDArray gradients, long offset);

    /**
     * Draws initial parameters.
     *
     * @param random seeded source, consumed in a fixed order.
     */
    void initialize(SplittableRandom random);

    /**
     * Seeds the layer's training noise (dropout masks); a no-op for deterministic layers.
     *
     * @param seed the seed; the same seed gives the same sequence of masks.
     */
    default void seedNoise(final long seed)
    {
    }

    /**
     * Allocates the buffers for a batch size.
     *
     * @param batchSize rows per batch.
     * @param dataType  element type.
     * @return buffers sized for {@code batchSize}.
     */
    LayerBuffers allocate(int batchSize, DataType dataType);

    /**
     * Computes the output into {@code buffers.output()}.
     *
     * @param input    [batch × inputSize].
     * @param buffers  this layer's buffers for the batch size.
     * @param training true to apply training-only behaviour (dropout).
     */
    void forward(INDArray input, LayerBuffers buffers, boolean training);

    /**
     * Back-propagates {@code buffers.delta()} (dL/d output): writes this layer's parameter gradients and, when
     * {@code inputDelta} is not null, dL/d input into it.
     *
     * @param input             the input given to {@link #forward}.
     * @param buffers           this layer's buffers; {@code delta()} is overwritten.
     * @param inputDelta        [batch × inputSize] destination for dL/d input, or null for the first layer.
     * @param deltaIsPreActivation true when the loss already gave dL/dz (fused softmax/sigmoid with its loss).
     */
    void backward(INDArray input, LayerBuffers buffers, INDArray inputDelta, boolean deltaIsPreActivation);

    /** @return the activation applied at the output, or {@link Activation#IDENTITY}. */
    Activation activation();
}
