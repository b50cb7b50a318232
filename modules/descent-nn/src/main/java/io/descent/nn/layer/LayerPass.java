package io.descent.nn.layer;

/**
 * One layer's forward and backward pass bound to the arrays of one batch size: its input, its {@link LayerBuffers}
 * and the previous layer's delta. Built once ({@link Layer#prepare}) and run every step; running allocates nothing.
 * Not thread-safe: the model's, on its thread.
 */
public interface LayerPass extends AutoCloseable
{
    /**
     * Computes the output from the input's current values into {@code buffers.output()}.
     *
     * @param training true to apply training-only behaviour (dropout).
     */
    void forward(boolean training);

    /**
     * Back-propagates {@code buffers.delta()} (dL/d output): writes this layer's parameter gradients and, when the
     * pass was prepared with an input delta, dL/d input into it. Overwrites {@code buffers.delta()}.
     *
     * @param deltaIsPreActivation true when the loss already gave dL/dz (fused softmax/sigmoid with its loss).
     */
    void backward(boolean deltaIsPreActivation);

    /** Frees the pass's native op contexts now (else the garbage collector does). Do not run it afterwards. */
    @Override
    void close();
}
