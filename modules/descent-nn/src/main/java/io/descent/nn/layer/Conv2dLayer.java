package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution (cross-correlation) {@code a = f(W ⋆ x + b)} on NCHW activations, as im2col and one matrix product
 * per pass: the patches of the whole batch are gathered into a [batch·positions × K] matrix (K = C_in·kh·kw, through
 * an index table built once), multiplied by the kernels W [C_out × K] (OIHW, row-major, followed by b [C_out] in the
 * flat buffer) and the [batch·positions × C_out] result is laid out NCHW. Backward: dW = dYᵀ·cols, db = 1ᵀ·dY,
 * dcols = dY·W scattered back onto the input (col2im). Every array is preallocated per batch size and every product
 * bound once, so a pass allocates nothing; every sum is in a fixed order, so results are bitwise reproducible.
 *
 * <p>That is the {@link ConvKernel#IM2COL} kernel; on ND4J's oneDNN build the layer runs ND4J's own convolution ops
 * instead ({@link ConvOpsPass}), several times faster there ({@link ConvKernel#fastest()}).
 */
final class Conv2dLayer implements Layer
{
    private final Shape input;
    private final LayerSpec.Conv2d spec;
    private final Windows windows;
    private final int[] patchTable;
    private final int patch;
    private final ConvKernel kernel;
    /** True once {@link #arrange} chose channels-last images for the ops (input and output alike). */
    private boolean channelsLast;
    /** True once the next layer took the activation ({@link #leaveActivationTo}): the output is pre-activation. */
    private boolean activationLeft;
    private INDArray weights;
    private INDArray bias;
    private INDArray weightGradient;
    private INDArray biasGradient;

    Conv2dLayer(final Shape input, final LayerSpec.Conv2d spec, final String where)
    {
        this(input, spec, where, ConvKernel.fastest());
    }

    /** A layer computing with the given kernel (tests compare the kernels). */
    Conv2dLayer(final Shape input, final LayerSpec.Conv2d spec, final String where, final ConvKernel kernel)
    {
        this.kernel = kernel;
        this.input = input;
        this.spec = spec;
        this.windows = new Windows(input, new int[]{ spec.kernelHeight(), spec.kernelWidth() },
            new int[]{ spec.strideHeight(), spec.strideWidth() }, spec.padding(), where);
        this.patchTable = windows.patchTable(input.channels());
        this.patch = input.channels() * windows.area();
    }

    @Override
    public int inputSize()
    {
        return input.size();
    }

    @Override
    public int outputSize()
    {
        return spec.filters() * windows.positions();
    }

    @Override
    public Shape outputShape()
    {
        return Shape.image(spec.filters(), windows.outputHeight(), windows.outputWidth());
    }

    @Override
    public long parameterCount()
    {
        return (long)spec.filters() * patch + spec.filters();
    }

    @Override
    public long multiplyAdds()
    {
        return (long)windows.positions() * patch * spec.filters();
    }

    @Override
    public String describe()
    {
        return "conv2d(" + input + "," + spec.filters() + "," + windows.describe() + "," +
            spec.activation().configName() + ")";
    }

    @Override
    public Activation activation()
    {
        return spec.activation();
    }

    /**
     * The ops kernel runs channels-last when its input is (or, with one channel, may be seen so); im2col reads and
     * writes CHW rows.
     */
    @Override
    public ImageLayout arrange(final ImageLayout layout)
    {
        if (kernel == ConvKernel.IM2COL)
        {
            return Layer.super.arrange(layout);
        }
        channelsLast = layout == ImageLayout.HWC || input.channels() == 1;
        return channelsLast ? ImageLayout.HWC : ImageLayout.CHW;
    }

    @Override
    public boolean leaveActivationTo(final Layer next)
    {
        activationLeft = next instanceof Pool2dLayer pool && pool.applyAfter(spec.activation());
        return activationLeft;
    }

    /** @return the activation this layer applies itself. */
    private Activation applied()
    {
        return activationLeft ? Activation.IDENTITY : spec.activation();
    }

    @Override
    public void bind(final INDArray parameters, final INDArray gradients, final long offset)
    {
        final long biasOffset = offset + (long)spec.filters() * patch;
        weights = DenseLayer.matrixView(parameters, offset, spec.filters(), patch);
        bias = DenseLayer.matrixView(parameters, biasOffset, 1, spec.filters());
        weightGradient = DenseLayer.matrixView(gradients, offset, spec.filters(), patch);
        biasGradient = DenseLayer.matrixView(gradients, biasOffset, 1, spec.filters());
    }

    @Override
    public void initialize(final SplittableRandom random)
    {
        final int fanIn = patch;
        final int fanOut = spec.filters() * windows.area();
        spec.weightInit().fill(weights, fanIn, fanOut, random);
        spec.biasInit().fill(bias, fanIn, fanOut, random);
    }

    @Override
    public LayerBuffers allocate(final int batchSize, final DataType dataType)
    {
        if (kernel == ConvKernel.ND4J_OPS)
        {
            return new LayerBuffers(Nd4j.create(dataType, batchSize, outputSize()),
                Nd4j.create(dataType, batchSize, outputSize()), Nd4j.create(dataType, batchSize, outputSize()), null,
                null);
        }
        final long rows = (long)batchSize * windows.positions();
        return new LayerBuffers(
            Nd4j.create(dataType, batchSize, outputSize()),
            Nd4j.create(dataType, batchSize, outputSize()),
            Nd4j.create(dataType, batchSize, outputSize()),
            Nd4j.ones(dataType, rows, 1),
            null,
            List.of(Nd4j.create(dataType, rows, patch), Nd4j.create(dataType, rows, spec.filters())));
    }

    @Override
    public LayerPass prepare(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
    {
        if (kernel == ConvKernel.ND4J_OPS)
        {
            return new ConvOpsPass(this.input, outputShape(), spec, applied(), channelsLast,
                new INDArray[]{ weights, bias }, new INDArray[]{ weightGradient, biasGradient }, input, buffers,
                inputDelta);
        }
        return new Pass(input, buffers, inputDelta);
    }

    /** The gathers and products bound to one batch size's arrays. */
    private final class Pass implements LayerPass
    {
        private final int batch;
        private final Flat in;
        private final Flat cols;
        private final Flat channelsLast;
        private final Flat output;
        private final Flat delta;
        private final Flat inDelta;
        private final BoundOp biasBroadcast;
        private final BoundOp product;
        private final ActivationKernel activation;
        private final BoundOp weightGradientProduct;
        private final BoundOp biasGradientProduct;
        private final BoundOp colsDeltaProduct;

        Pass(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
        {
            final INDArray colArray = buffers.workspace().get(0);
            final INDArray lastArray = buffers.workspace().get(1);
            batch = (int)buffers.output().rows();
            in = Flat.of(input);
            cols = Flat.of(colArray);
            channelsLast = Flat.of(lastArray);
            output = Flat.of(buffers.output());
            delta = Flat.of(buffers.delta());
            inDelta = null == inputDelta ? null : Flat.of(inputDelta);
            biasBroadcast = BoundOp.gemm(buffers.column(), bias, lastArray, false, false, 1.0, 0.0);
            product = BoundOp.gemm(colArray, weights, lastArray, false, true, 1.0, 1.0);
            activation = ActivationKernel.bind(
                applied(), buffers.output(), buffers.delta(), buffers.scratch(), buffers.rowSums());
            weightGradientProduct = BoundOp.gemm(lastArray, colArray, weightGradient, true, false, 1.0, 0.0);
            biasGradientProduct = BoundOp.gemm(buffers.column(), lastArray, biasGradient, true, false, 1.0, 0.0);
            // dcols overwrites the patches: they are not needed once dW is computed.
            colsDeltaProduct = null == inputDelta ? null :
                BoundOp.gemm(lastArray, weights, colArray, false, false, 1.0, 0.0);
        }

        @Override
        public void forward(final boolean training)
        {
            Patches.gather(in, inputSize(), patchTable, cols, batch);
            biasBroadcast.run();
            product.run();
            Patches.toChannelsFirst(channelsLast, output, batch, windows.positions(), spec.filters());
            activation.forward();
        }

        @Override
        public void backward(final boolean deltaIsPreActivation)
        {
            if (!deltaIsPreActivation)
            {
                activation.backward();
            }
            Patches.toChannelsLast(delta, channelsLast, batch, windows.positions(), spec.filters());
            weightGradientProduct.run();
            biasGradientProduct.run();
            if (null != colsDeltaProduct)
            {
                colsDeltaProduct.run();
                Patches.scatterAdd(cols, patchTable, inDelta, inputSize(), batch);
            }
        }

        @Override
        public void close()
        {
            biasBroadcast.close();
            product.close();
            activation.close();
            weightGradientProduct.close();
            biasGradientProduct.close();
            if (null != colsDeltaProduct)
            {
                colsDeltaProduct.close();
            }
        }
    }
}
