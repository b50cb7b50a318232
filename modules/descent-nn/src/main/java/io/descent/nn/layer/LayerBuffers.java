package io.descent.nn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Preallocated arrays of one layer for one batch size. Reused by every step of that size.
 *
 * @param output  [batch × outputs] the layer's output (activations).
 * @param delta   [batch × outputs] dL/d output during backward.
 * @param scratch [batch × outputs] scratch (derivatives, or the dropout mask).
 * @param column  [batch × 1] ones (bias broadcast and bias gradient), or null.
 * @param rowSums [batch × 1] scratch for row reductions, or null.
 */
public record LayerBuffers(INDArray output, INDArray delta, INDArray scratch, INDArray column, INDArray rowSums)
{
}
