package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Turns an image [channels, height, width] into a flat vector of its values in CHW order. Activations are stored
 * as rows already, so forward and backward are copies: one native copy of CHW rows, or ND4J's {@code permute} of
 * channels-last rows ({@link ImageLayout#HWC}) into CHW order and of the deltas back. No parameters.
 */
final class FlattenLayer implements ParameterFreeLayer
{
    private final Shape input;
    private boolean channelsLast;

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

    /** Reads either layout; the flat output is CHW. */
    @Override
    public ImageLayout arrange(final ImageLayout layout)
    {
        channelsLast = layout == ImageLayout.HWC && input.isImage() && input.channels() > 1;
        return ImageLayout.CHW;
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
        if (channelsLast)
        {
            return permute(input, buffers, inputDelta);
        }
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

    /** Channels-last rows to CHW rows and the deltas back, as two bound {@code permute} ops. */
    private LayerPass permute(final INDArray x, final LayerBuffers buffers, final INDArray inputDelta)
    {
        final long batch = buffers.output().rows();
        return new OpPass(BoundOp.of(DynamicCustomOp.builder("permute").addInputs(Nchw.image(x, batch, input, true))
                .addOutputs(Nchw.image(buffers.output(), batch, input)).addIntegerArguments(0, 3, 1, 2).build()),
            null == inputDelta ? null : BoundOp.of(DynamicCustomOp.builder("permute")
                .addInputs(Nchw.image(buffers.delta(), batch, input))
                .addOutputs(Nchw.image(inputDelta, batch, input, true)).addIntegerArguments(0, 2, 3, 1).build()));
    }
}
