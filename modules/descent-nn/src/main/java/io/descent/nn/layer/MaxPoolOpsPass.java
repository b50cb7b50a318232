package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * Float32 max pooling as ND4J's {@code maxpool2d} and {@code maxpool2d_bp} custom ops, bound once to NCHW views of the
 * layer's rows, or NHWC views of channels-last rows ({@link ImageLayout}: 2×2 pool1 of the CNN preset, backward 0.5 ms
 * instead of 2.2): no copies, no index table. Both scan a window in row-major order and keep the first maximum under a
 * strict comparison, as {@link Pool2dLayer}'s loops do, so the outputs (the sign of a tied zero included) and the
 * element each window's gradient goes to are the loops' (ImageLayersTest, on both ND4J builds); the backward op finds
 * that element again from the input, which is still the previous layer's output. Measured on a loaded 2-core host,
 * 32×28×28 at batch 128: forward about 1 ms where the Java scan took 7–9 ms. Runs allocate nothing and repeat
 * bitwise (each plane's windows are one thread's). Not thread-safe: the model's, on its thread.
 *
 * <p>Tried for a cheaper backward and dropped (issue 17): libnd4j's {@code max_pool_with_argmax} in 1.0.0-M2.1 returns
 * the indices 0, 1, 2, … of the input (not the argmaxes) and values of the input's shape, so it cannot record the
 * choice; a branch-free Java loop specialised to 2×2 windows at stride 2 (rows copied in and out, argmax recomputed)
 * chose bitwise the same elements but took 7–9 ms where {@code maxpool2d_bp} took 2–4 ms, same JVM, loaded host.
 */
final class MaxPoolOpsPass extends OpPass
{
    private static final int VALID = 0;
    private static final int NCHW = 0;
    private static final int NHWC = 1;

    /**
     * @param input      the input's shape.
     * @param output     the output's shape.
     * @param spec       window size and stride.
     * @param channelsLast true for HWC rows (NHWC views), false for CHW.
     * @param x          [batch × input size] the input rows.
     * @param buffers    the layer's buffers (output, delta).
     * @param inputDelta [batch × input size] where dL/d input goes, or null (backward then does nothing).
     */
    MaxPoolOpsPass(final Shape input, final Shape output, final LayerSpec.Pool2d spec, final boolean channelsLast,
        final INDArray x, final LayerBuffers buffers, final INDArray inputDelta)
    {
        super(BoundOp.of(DynamicCustomOp.builder("maxpool2d").addInputs(image(x, buffers, input, channelsLast))
                .addOutputs(image(buffers.output(), buffers, output, channelsLast))
                .addIntegerArguments(arguments(spec, channelsLast)).build()),
            null == inputDelta ? null : BoundOp.of(DynamicCustomOp.builder("maxpool2d_bp")
                .addInputs(image(x, buffers, input, channelsLast), image(buffers.delta(), buffers, output, channelsLast))
                .addOutputs(image(inputDelta, buffers, input, channelsLast))
                .addIntegerArguments(arguments(spec, channelsLast)).build()));
    }

    private static INDArray image(final INDArray rows, final LayerBuffers buffers, final Shape shape,
        final boolean channelsLast)
    {
        return Nchw.image(rows, buffers.output().rows(), shape, channelsLast);
    }

    private static int[] arguments(final LayerSpec.Pool2d spec, final boolean channelsLast)
    {
        return new int[]{ spec.size(), spec.size(), spec.stride(), spec.stride(), 0, 0, 1, 1, VALID, 0,
            channelsLast ? NHWC : NCHW };
    }

    /** @return true for the arrays this pass runs on: float32 max pooling. */
    static boolean applies(final LayerSpec.Pool2d spec, final DataType type)
    {
        return spec.kind() == LayerSpec.PoolKind.MAX && type == DataType.FLOAT;
    }
}
