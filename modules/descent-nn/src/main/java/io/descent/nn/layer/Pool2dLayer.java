package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Max or average pooling over size × size windows of each channel (no padding; windows that do not fit at the
 * bottom/right are dropped). No parameters.
 *
 * <p>Ties in max pooling: the first maximum of a window in row-major order (top row first, left first) is the one
 * the forward pass selects and the only one the backward pass sends the gradient to, so the gradient is a
 * well-defined subgradient and the same on every run. Average pooling divides by the window area.
 */
final class Pool2dLayer implements Layer
{
    private final Shape input;
    private final LayerSpec.Pool2d spec;
    private final Windows windows;
    private final int[] windowTable;

    Pool2dLayer(final Shape input, final LayerSpec.Pool2d spec, final String where)
    {
        this.input = input;
        this.spec = spec;
        this.windows = new Windows(input, new int[]{ spec.size(), spec.size() },
            new int[]{ spec.stride(), spec.stride() }, Padding.VALID, where);
        this.windowTable = windows.windowTable(input.channels());
    }

    @Override
    public int inputSize()
    {
        return input.size();
    }

    @Override
    public int outputSize()
    {
        return input.channels() * windows.positions();
    }

    @Override
    public Shape outputShape()
    {
        return Shape.image(input.channels(), windows.outputHeight(), windows.outputWidth());
    }

    @Override
    public long parameterCount()
    {
        return 0;
    }

    @Override
    public String describe()
    {
        return spec.kind().configName() + "(" + input + "," + windows.describe() + ")";
    }

    @Override
    public Activation activation()
    {
        return Activation.IDENTITY;
    }

    @Override
    public void bind(final INDArray parameters, final INDArray gradients, final long offset)
    {
    }

    @Override
    public void initialize(final SplittableRandom random)
    {
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
        return new Pass(input, buffers, inputDelta);
    }

    /** The window loops bound to one batch size's arrays. */
    private final class Pass implements LayerPass
    {
        private final int batch;
        private final Flat in;
        private final Flat output;
        private final Flat delta;
        private final Flat inDelta;
        /** For max pooling: the input index (within its row) each output took its value from. */
        private final int[] selected;

        Pass(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
        {
            batch = (int)buffers.output().rows();
            in = Flat.of(input);
            output = Flat.of(buffers.output());
            delta = Flat.of(buffers.delta());
            inDelta = null == inputDelta ? null : Flat.of(inputDelta);
            selected = spec.kind() == LayerSpec.PoolKind.MAX ? new int[batch * outputSize()] : null;
        }

        @Override
        public void forward(final boolean training)
        {
            final int area = windows.area();
            final int outputs = outputSize();
            final int inputs = inputSize();
            for (int b = 0; b < batch; b++)
            {
                final int from = b * inputs;
                for (int o = 0; o < outputs; o++)
                {
                    final int window = o * area;
                    if (null != selected)
                    {
                        int best = windowTable[window];
                        double max = in.get(from + best);
                        for (int w = 1; w < area; w++)
                        {
                            final int at = windowTable[window + w];
                            final double value = in.get(from + at);
                            // Strictly greater: the first maximum wins ties. Branch-free, the comparison is random.
                            final boolean greater = value > max;
                            best = greater ? at : best;
                            max = greater ? value : max;
                        }
                        selected[b * outputs + o] = best;
                        output.set(b * outputs + o, max);
                    }
                    else
                    {
                        double sum = 0.0;
                        for (int w = 0; w < area; w++)
                        {
                            sum += in.get(from + windowTable[window + w]);
                        }
                        output.set(b * outputs + o, sum / area);
                    }
                }
            }
        }

        @Override
        public void backward(final boolean deltaIsPreActivation)
        {
            if (null == inDelta)
            {
                return;
            }
            final int area = windows.area();
            final int outputs = outputSize();
            final int inputs = inputSize();
            inDelta.clear(batch * inputs);
            for (int b = 0; b < batch; b++)
            {
                final int to = b * inputs;
                for (int o = 0; o < outputs; o++)
                {
                    final double d = delta.get(b * outputs + o);
                    if (null != selected)
                    {
                        inDelta.add(to + selected[b * outputs + o], d);
                    }
                    else
                    {
                        final double share = d / area;
                        for (int w = 0; w < area; w++)
                        {
                            inDelta.add(to + windowTable[o * area + w], share);
                        }
                    }
                }
            }
        }

        @Override
        public void close()
        {
        }
    }
}
