package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution's passes as ND4J's {@code conv2d} and {@code conv2d_bp} custom ops ({@link ConvKernel#ND4J_OPS}),
 * bound once to NCHW views of the layer's arrays, or NHWC views where the model keeps the images channels-last
 * ({@link ImageLayout}; oneDNN's kernels are much faster on those): the input and output rows, the kernels [C_out, C_in, kh, kw]
 * (OIHW, weights format 1) and the bias as views into the flat parameter buffer, their gradients as views into the
 * flat gradient buffer, which {@code conv2d_bp} overwrites directly. No copies, no gathers: the op does the whole
 * pass (oneDNN's kernels on that ND4J build). A first layer (no input gradient wanted) computes only dW and db,
 * where {@link WeightGradientConv} applies. Runs allocate nothing; results are reproducible bitwise for a fixed
 * thread count (ConvOpsPassTest). Not thread-safe: the model's, on its thread.
 */
final class ConvOpsPass implements LayerPass
{
    private static final int NCHW = 0;
    private static final int NHWC = 1;
    private static final int OIHW = 1;

    private final BoundOp forward;
    /** conv2d_bp, or null for a first layer whose weight gradient alone is computed. */
    private final BoundOp backward;
    private final WeightGradientConv weightGradient;
    private final ActivationKernel activation;

    /**
     * @param input        the input's shape.
     * @param output       the output's shape.
     * @param spec         the layer's kernel, stride and padding.
     * @param activation   the activation this pass applies (identity when the next layer applies the layer's).
     * @param channelsLast true when the input and output rows are HWC ({@link ImageLayout}), false for CHW.
     * @param parameters   the layer's weights [C_out × C_in·kh·kw] then bias [1 × C_out], views of the flat buffer.
     * @param gradients    their gradients, the same views of the flat gradient buffer.
     * @param x            [batch × input size] the input rows.
     * @param buffers      the layer's buffers (output, delta, scratch).
     * @param inputDelta   [batch × input size] where dL/d input goes, or null (then a scratch array takes it).
     */
    ConvOpsPass(final Shape input, final Shape output, final LayerSpec.Conv2d spec, final Activation activation,
        final boolean channelsLast, final INDArray[] parameters, final INDArray[] gradients, final INDArray x,
        final LayerBuffers buffers, final INDArray inputDelta)
    {
        final long batch = buffers.output().rows();
        final int filters = output.channels();
        final long[] kernelShape = { filters, input.channels(), spec.kernelHeight(), spec.kernelWidth() };
        final INDArray x4 = Nchw.image(x, batch, input, channelsLast);
        final INDArray w4 = Nchw.view(parameters[0], kernelShape);
        final INDArray b1 = Nchw.view(parameters[1], new long[]{ filters });
        final INDArray y4 = Nchw.image(buffers.output(), batch, output, channelsLast);
        final INDArray dy4 = Nchw.image(buffers.delta(), batch, output, channelsLast);
        final int[] args = arguments(spec, channelsLast);
        forward = BoundOp.of(DynamicCustomOp.builder("conv2d").addInputs(x4, w4, b1).addOutputs(y4)
            .addIntegerArguments(args).build());
        if (null == inputDelta && WeightGradientConv.applies(input, spec))
        {
            backward = null;
            weightGradient = new WeightGradientConv(input, output, spec, channelsLast, x4, dy4,
                Nchw.view(gradients[0], kernelShape), gradients[1]);
        }
        else
        {
            final INDArray dx = null == inputDelta ? Nd4j.create(x.dataType(), x.shape()) : inputDelta;
            final INDArray dx4 = Nchw.image(dx, batch, input, channelsLast);
            backward = BoundOp.of(DynamicCustomOp.builder("conv2d_bp").addInputs(x4, w4, b1, dy4)
                .addOutputs(dx4, Nchw.view(gradients[0], kernelShape), Nchw.view(gradients[1], new long[]{ filters }))
                .addIntegerArguments(args).build());
            weightGradient = null;
        }
        this.activation = ActivationKernel.bind(
            activation, buffers.output(), buffers.delta(), buffers.scratch(), buffers.rowSums());
    }

    @Override
    public void forward(final boolean training)
    {
        forward.run();
        activation.forward();
    }

    @Override
    public void backward(final boolean deltaIsPreActivation)
    {
        if (!deltaIsPreActivation)
        {
            activation.backward();
        }
        if (null == backward)
        {
            weightGradient.run();
        }
        else
        {
            backward.run();
        }
    }

    @Override
    public void close()
    {
        forward.close();
        if (null == backward)
        {
            weightGradient.close();
        }
        else
        {
            backward.close();
        }
        activation.close();
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, padding mode (1 = same, as TensorFlow: odd zero at the bottom/right), layouts. */
    private static int[] arguments(final LayerSpec.Conv2d spec, final boolean channelsLast)
    {
        final Padding padding = spec.padding();
        final int amount = padding.mode() == Padding.Mode.EXPLICIT ? padding.amount() : 0;
        final int same = padding.mode() == Padding.Mode.SAME ? 1 : 0;
        return new int[]{ spec.kernelHeight(), spec.kernelWidth(), spec.strideHeight(), spec.strideWidth(), amount,
            amount, 1, 1, same, channelsLast ? NHWC : NCHW, OIHW };
    }
}
