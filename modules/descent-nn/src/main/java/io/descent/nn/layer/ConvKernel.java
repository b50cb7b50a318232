package io.descent.nn.layer;

import io.descent.nn.kernel.NativeBuild;

/**
 * How a {@link Conv2dLayer} computes its passes. Measured on a 2-core AVX-512 host, batch 128, 3×3 kernels
 * (ConvKernelBenchmarkTest, docs/performance.md): on ND4J's oneDNN build its {@code conv2d} / {@code conv2d_bp} ops are
 * the fastest; on the stock build they are several times slower than im2col and one sgemm per pass.
 */
enum ConvKernel
{
    /** Patches gathered into a matrix and one matrix product per pass (Descent's own loops; any ND4J build). */
    IM2COL,
    /** ND4J's {@code conv2d} and {@code conv2d_bp} custom ops on views of the layer's arrays (oneDNN in its build). */
    ND4J_OPS;

    private static final ConvKernel FASTEST = NativeBuild.oneDnn() ? ND4J_OPS : IM2COL;

    /** @return the faster kernel on the ND4J build this process loaded. */
    static ConvKernel fastest()
    {
        return FASTEST;
    }
}
