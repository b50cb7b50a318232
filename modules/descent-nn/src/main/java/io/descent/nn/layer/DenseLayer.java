package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Fully connected layer {@code a = f(x·W + b)} with W [inputs × units] (row-major) followed by b [units] in the
 * flat buffer. All products are matrix products ({@code Nd4j.gemm}'s op) into preallocated arrays, bound once per
 * batch size ({@link #prepare}); nothing is allocated per step.
 */
final class DenseLayer implements Layer
{
    private final int inputs;
    private final LayerSpec.Dense spec;
    private INDArray weights;
    private INDArray bias;
    private INDArray weightGradient;
    private INDArray biasGradient;

    DenseLayer(final int inputs, final LayerSpec.Dense spec)
    {
        this.inputs = inputs;
        this.spec = spec;
    }

    @Override
    public int inputSize()
    {
        return inputs;
    }

    @Override
    public int outputSize()
    {
        return spec.units();
    }

    @Override
    public long parameterCount()
    {
        return (long)inputs * spec.units() + spec.units();
    }

    @Override
    public long multiplyAdds()
    {
        return (long)inputs * spec.units();
    }

    @Override
    public String describe()
    {
        return "dense(" + inputs + "," + spec.units() + "," + spec.activation().configName() + ")";
    }

    @Override
    public Activation activation()
    {
        return spec.activation();
    }

    @Override
    public void bind(final INDArray parameters, final INDArray gradients, final long offset)
    {
        final long biasOffset = offset + (long)inputs * spec.units();
        weights = matrixView(parameters, offset, inputs, spec.units());
        bias = matrixView(parameters, biasOffset, 1, spec.units());
        weightGradient = matrixView(gradients, offset, inputs, spec.units());
        biasGradient = matrixView(gradients, biasOffset, 1, spec.units());
    }

    @Override
    public void initialize(final SplittableRandom random)
    {
        spec.weightInit().fill(weights, inputs, spec.units(), random);
        spec.biasInit().fill(bias, inputs, spec.units(), random);
    }

    @Override
    public LayerBuffers allocate(final int batchSize, final DataType dataType)
    {
        return new LayerBuffers(
            Nd4j.create(dataType, batchSize, spec.units()),
            Nd4j.create(dataType, batchSize, spec.units()),
            Nd4j.create(dataType, batchSize, spec.units()),
            Nd4j.ones(dataType, batchSize, 1),
            Nd4j.create(dataType, batchSize, 1));
    }

    @Override
    public LayerPass prepare(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
    {
        return new Pass(input, buffers, inputDelta);
    }

    static INDArray matrixView(final INDArray flat, final long offset, final int rows, final int columns)
    {
        return Nd4j.create(
            flat.data(), new long[]{ rows, columns }, new long[]{ columns, 1 }, offset, 'c', flat.dataType());
    }

    /** The layer's products and activation bound to one batch size's arrays. */
    private final class Pass implements LayerPass
    {
        private final BoundOp biasBroadcast;
        private final BoundOp product;
        private final ActivationKernel activation;
        private final BoundOp weightGradientProduct;
        private final BoundOp biasGradientProduct;
        private final BoundOp inputDeltaProduct;

        Pass(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
        {
            final INDArray output = buffers.output();
            final INDArray delta = buffers.delta();
            // The bias broadcast is a rank-1 gemm (ones · b): cheap, and lets x·W accumulate into it with beta = 1.
            biasBroadcast = BoundOp.gemm(buffers.column(), bias, output, false, false, 1.0, 0.0);
            product = BoundOp.gemm(input, weights, output, false, false, 1.0, 1.0);
            activation = ActivationKernel.bind(spec.activation(), output, delta, buffers.scratch(), buffers.rowSums());
            weightGradientProduct = BoundOp.gemm(input, delta, weightGradient, true, false, 1.0, 0.0);
            biasGradientProduct = BoundOp.gemm(buffers.column(), delta, biasGradient, true, false, 1.0, 0.0);
            inputDeltaProduct = null == inputDelta ? null :
                BoundOp.gemm(delta, weights, inputDelta, false, true, 1.0, 0.0);
        }

        @Override
        public void forward(final boolean training)
        {
            biasBroadcast.run();
            product.run();
            activation.forward();
        }

        @Override
        public void backward(final boolean deltaIsPreActivation)
        {
            if (!deltaIsPreActivation)
            {
                activation.backward();
            }
            weightGradientProduct.run();
            biasGradientProduct.run();
            if (null != inputDeltaProduct)
            {
                inputDeltaProduct.run();
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
            if (null != inputDeltaProduct)
            {
                inputDeltaProduct.close();
            }
        }
    }
}
