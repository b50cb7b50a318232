package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * One layer of a feed-forward model. Parameters and their gradients are views into the model's two flat buffers
 * ({@link #bind}); activations live in per-batch-size {@link LayerBuffers} allocated once ({@link #allocate}); the
 * forward and backward ops are bound to those arrays once ({@link #prepare}).
 * Not thread-safe: a model and its layers belong to one thread.
 */
public interface Layer
{
    /** @return width of the input. */
    int inputSize();

    /** @return width of the output. */
    int outputSize();

    /** @return the shape of one example's output (flat by default). */
    default Shape outputShape()
    {
        return Shape.flat(outputSize());
    }

    /** @return number of parameters this layer owns in the flat buffer. */
    long parameterCount();

    /** @return a stable description of the architecture, part of the model fingerprint. */
    String describe();

    /**
     * @return the multiply-adds of one example's forward product (the backward pass does twice as many, or as many
     *         when no input delta is wanted); 0 for layers without a product (pooling, flatten, dropout). For FLOP
     *         counts in benchmarks.
     */
    default long multiplyAdds()
    {
        return 0;
    }

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
     * Chooses how this layer's output lies in its rows, given how its input does. The model calls it once per layer,
     * first to last, before any {@link #allocate} or {@link #prepare}; a layer never arranged reads and writes
     * {@link ImageLayout#CHW}. Flat values are always CHW. By default a layer takes and gives CHW only.
     *
     * @param input how the input's values lie in a row: the previous layer's answer, CHW for the model's input.
     * @return how this layer will lay out its output (and expect its delta).
     * @throws IllegalStateException if the layer cannot read its input in that layout.
     */
    default ImageLayout arrange(final ImageLayout input)
    {
        if (input != ImageLayout.CHW)
        {
            throw new IllegalStateException(describe() + " reads CHW rows only, not " + input);
        }
        return ImageLayout.CHW;
    }

    /**
     * Offers the next layer this layer's activation, for it to apply after its own op where that gives the same
     * results for less memory traffic (ReLU after a max pool: max commutes with it, and the pooled image is smaller).
     * Called by the model once per layer after {@link #arrange}, before any {@link #allocate} or {@link #prepare};
     * when it returns true this layer's output holds its pre-activations and its backward pass takes dL/d
     * pre-activation. By default a layer keeps its activation.
     *
     * @param next the layer after this one.
     * @return true when {@code next} took the activation.
     */
    default boolean leaveActivationTo(final Layer next)
    {
        return false;
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
     * Binds this layer's forward and backward pass to one batch size's arrays, for {@link LayerPass#forward} and
     * {@link LayerPass#backward} to run every step without allocating.
     *
     * @param input      [batch × inputSize] the input forward reads, bound by identity: prepare a new pass (and
     *                   close this one) for another array.
     * @param buffers    this layer's buffers for the batch size ({@link #allocate}).
     * @param inputDelta [batch × inputSize] where backward writes dL/d input, or null for the first layer.
     * @return the pass.
     */
    LayerPass prepare(INDArray input, LayerBuffers buffers, INDArray inputDelta);

    /** @return the activation applied at the output, or {@link Activation#IDENTITY}. */
    Activation activation();
}
