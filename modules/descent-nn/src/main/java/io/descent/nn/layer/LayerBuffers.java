package io.descent.nn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Preallocated arrays of one layer for one batch size. Reused by every step of that size.
 *
 * @param output    [batch × outputs] the layer's output (activations); an image's values in CHW order per row.
 * @param delta     [batch × outputs] dL/d output during backward.
 * @param scratch   [batch × outputs] scratch (derivatives, or the dropout mask), or null.
 * @param column    [batch × 1] ones (bias broadcast and bias gradient; [batch·positions × 1] for a convolution),
 *                  or null.
 * @param rowSums   [batch × 1] scratch for row reductions, or null.
 * @param workspace further arrays of the layer's own (a convolution's patch matrix), possibly empty.
 */
public record LayerBuffers(
    INDArray output, INDArray delta, INDArray scratch, INDArray column, INDArray rowSums, List<INDArray> workspace)
{
    public LayerBuffers
    {
        workspace = List.copyOf(workspace);
    }

    /** Buffers without a workspace. */
    public LayerBuffers(
        final INDArray output, final INDArray delta, final INDArray scratch, final INDArray column,
        final INDArray rowSums)
    {
        this(output, delta, scratch, column, rowSums, List.of());
    }
}
