package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The backward pass of a first convolution layer, which needs no input gradient: only dW and db, so a third of
 * {@code conv2d_bp}'s work is skipped. At stride 1 with the same padding on both sides, dW is itself a
 * convolution: {@code dW[f][c][ky][kx] = Σ_n Σ_p dY[n][f][p] · x[n][c][p + (ky, kx)]} is {@code conv2d} of the
 * input seen as [C_in images × batch channels] with the output deltas seen as [C_out kernels × batch channels ×
 * OH × OW], the same padding, giving [C_in × C_out × kh × kw], a permuted view of the weight gradient: one op on
 * views, no copies (on oneDNN, 1×28×28 → 32 at batch 128 on a loaded 2-core host: about 5 ms where
 * {@code conv2d_bp} took 12–15 ms). The bias gradient
 * {@code db[f] = Σ_n Σ_p dY[n][f][p]} is two matrix products with vectors of ones (row sums, then column sums), in a
 * fixed order, so results repeat bitwise at a fixed thread count. Channels-last ({@link ImageLayout#HWC}) the same
 * convolution runs on strided views of the NHWC arrays, and db is one product of ones with the [batch·positions ×
 * C_out] deltas. Runs allocate nothing.
 *
 * <p>Not thread-safe: the model's, on its thread.
 */
final class WeightGradientConv implements AutoCloseable
{
    private static final int NCHW = 0;
    private static final int OIHW = 1;

    private final BoundOp weights;
    /** Per-example channel sums of CHW deltas, or null channels-last. */
    private final BoundOp rowSums;
    private final BoundOp biasSums;

    /**
     * @param input        the input image shape.
     * @param output       the output image shape.
     * @param spec         the layer's kernel, stride and padding; {@link #applies} must hold.
     * @param channelsLast true when x4 and dy4 are NHWC views, false for NCHW.
     * @param x4           [batch, C_in, H, W] (or [batch, H, W, C_in]) the input.
     * @param dy4          [batch, C_out, OH, OW] (or [batch, OH, OW, C_out]) dL/d pre-activation output.
     * @param dw4          [C_out, C_in, kh, kw] where dW goes (a view of the flat gradient buffer).
     * @param biasGradient [1 × C_out] where db goes (a view of the flat gradient buffer).
     */
    WeightGradientConv(final Shape input, final Shape output, final LayerSpec.Conv2d spec, final boolean channelsLast,
        final INDArray x4, final INDArray dy4, final INDArray dw4, final INDArray biasGradient)
    {
        final DataType type = x4.dataType();
        final long batch = x4.size(0);
        final int filters = output.channels();
        final int positions = output.height() * output.width();
        final int padHeight = spec.padding().before(input.height(), spec.kernelHeight(), spec.strideHeight());
        final int padWidth = spec.padding().before(input.width(), spec.kernelWidth(), spec.strideWidth());
        // Channels-last, the views [C_in, batch, H, W] and [C_out, batch, OH, OW] are strided; the op takes them so.
        final int[] channelsFirst = channelsLast ? new int[]{ 3, 0, 1, 2 } : new int[]{ 1, 0, 2, 3 };
        weights = BoundOp.of(DynamicCustomOp.builder("conv2d")
            .addInputs(x4.permute(channelsFirst), dy4.permute(channelsFirst))
            .addOutputs(dw4.permute(1, 0, 2, 3))
            .addIntegerArguments(
                output.height(), output.width(), 1, 1, padHeight, padWidth, 1, 1, 0, NCHW, OIHW)
            .build());
        if (channelsLast)
        {
            // [batch·positions × C_out] rows: db is one product with ones.
            rowSums = null;
            biasSums = BoundOp.gemm(Nd4j.ones(type, 1, batch * positions),
                Nchw.view(dy4, new long[]{ batch * positions, filters }), biasGradient, false, false, 1.0, 0.0);
            return;
        }
        final INDArray sums = Nd4j.create(type, batch * filters, 1);
        rowSums = BoundOp.gemm(Nchw.view(dy4, new long[]{ batch * filters, positions }),
            Nd4j.ones(type, positions, 1), sums, false, false, 1.0, 0.0);
        biasSums = BoundOp.gemm(Nd4j.ones(type, 1, batch), Nchw.view(sums, new long[]{ batch, filters }),
            biasGradient, false, false, 1.0, 0.0);
    }

    /**
     * @return true when dW can be computed this way: stride 1 and the same padding before and after in each
     *         direction (explicit or valid padding, or same padding with odd kernels).
     */
    static boolean applies(final Shape input, final LayerSpec.Conv2d spec)
    {
        final Padding padding = spec.padding();
        return spec.strideHeight() == 1 && spec.strideWidth() == 1 &&
            padding.before(input.height(), spec.kernelHeight(), 1) ==
                padding.after(input.height(), spec.kernelHeight(), 1) &&
            padding.before(input.width(), spec.kernelWidth(), 1) ==
                padding.after(input.width(), spec.kernelWidth(), 1);
    }

    /** Writes dW and db from the bound input and deltas' current values. */
    void run()
    {
        weights.run();
        if (null != rowSums)
        {
            rowSums.run();
        }
        biasSums.run();
    }

    @Override
    public void close()
    {
        weights.close();
        if (null != rowSums)
        {
            rowSums.close();
        }
        biasSums.close();
    }
}
