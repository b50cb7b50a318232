package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Turns an image [channels, height, width] into a flat vector of its values in CHW order. Activations are stored
 * as rows already, so forward and backward are copies. No parameters.
 */
final class FlattenLayer implements ParameterFreeLayer
{
    private final Shape input;

    FlattenLayer(final Shape input)
    {
        this.input = input;
    }

    @Override
    public int inputSize()
    {
        return input.size();
    }

    @Override
    public int outputSize()
    {
        return input.size();
    }

    @Override
    public String describe()
    {
        return "flatten(" + input + ")";
    }

    @Override
    public LayerBuffers allocate(final int batchSize, final DataType dataType)
    {
        return new LayerBuffers(
            Nd4j.create(dataType, batchSize, outputSize()), Nd4j.create(dataType, batchSize, outputSize()),
            null, null, null);
    }

    @Override
    public LayerPass prepare(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
    {
        final int length = (int)buffers.output().length();
        final Flat in = Flat.of(input);
        final Flat output = Flat.of(buffers.output());
        final Flat delta = Flat.of(buffers.delta());
        final Flat inDelta = null == inputDelta ? null : Flat.of(inputDelta);
        return new LayerPass()
        {
            @Override
            public void forward(final boolean training)
            {
                in.copyTo(output, length);
            }

            @Override
            public void backward(final boolean deltaIsPreActivation)
            {
                if (null != inDelta)
                {
                    delta.copyTo(inDelta, length);
                }
            }

            @Override
            public void close()
            {
            }
        };
    }
}
