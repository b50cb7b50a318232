package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Max or average pooling over size × size windows of each channel (no padding; windows that do not fit at the
 * bottom/right are dropped). No parameters.
 *
 * <p>Ties in max pooling: the first maximum of a window in row-major order (top row first, left first) is the one
 * the forward pass selects and the only one the backward pass sends the gradient to, so the gradient is a
 * well-defined subgradient and the same on every run. Average pooling divides by the window area.
 *
 * <p>Float32 max pooling runs as ND4J's pooling ops ({@link MaxPoolOpsPass}, the same choices); the rest as loops over
 * the rows here (in double through a window index table, float32 averages on Java copies of each row). Either works
 * on CHW or channels-last rows ({@link #arrange}), giving its output in the same layout.
 */
final class Pool2dLayer implements ParameterFreeLayer
{
    private final Shape input;
    private final LayerSpec.Pool2d spec;
    private final Windows windows;
    private ImageLayout layout = ImageLayout.CHW;
    private int[] windowTable;
    /** The previous layer's activation, applied after pooling ({@link #applyAfter}), or identity. */
    private Activation after = Activation.IDENTITY;

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
    public String describe()
    {
        return spec.kind().configName() + "(" + input + "," + windows.describe() + ")";
    }

    /** Pools rows of either layout, keeping it. */
    @Override
    public ImageLayout arrange(final ImageLayout input)
    {
        layout = input;
        windowTable = windows.windowTable(this.input.channels(), input);
        return input;
    }

    /**
     * Takes the previous layer's ReLU into a max pool: max(relu(z)) = relu(max(z)) window by window, on a quarter of
     * the values for 2×2 windows; backward, relu's mask on the pooled deltas, then the pool's backward onto z. Where
     * a window's maximum is positive both choose the same element (the first maximum, ties included); where it is
     * not, the gradient is zero either way (relu'(0) = 0). Other activations or average pooling: not taken.
     *
     * @param activation the previous layer's activation.
     * @return true when taken: the previous layer then leaves its output pre-activation.
     */
    boolean applyAfter(final Activation activation)
    {
        if (spec.kind() != LayerSpec.PoolKind.MAX || activation != Activation.RELU)
        {
            return false;
        }
        after = activation;
        return true;
    }

    @Override
    public LayerBuffers allocate(final int batchSize, final DataType dataType)
    {
        return new LayerBuffers(
            Nd4j.create(dataType, batchSize, outputSize()), Nd4j.create(dataType, batchSize, outputSize()),
            after == Activation.IDENTITY ? null : Nd4j.create(dataType, batchSize, outputSize()), null, null);
    }

    @Override
    public LayerPass prepare(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
    {
        final LayerPass pool = MaxPoolOpsPass.applies(spec, input.dataType()) ?
            new MaxPoolOpsPass(this.input, outputShape(), spec, layout == ImageLayout.HWC, input, buffers, inputDelta) :
            new Pass(input, buffers, inputDelta);
        return after == Activation.IDENTITY ? pool : new ActivatedPass(pool,
            ActivationKernel.bind(after, buffers.output(), buffers.delta(), buffers.scratch(), null));
    }

    /** A pool followed by the activation it took from the layer before ({@link #applyAfter}). */
    private static final class ActivatedPass implements LayerPass
    {
        private final LayerPass pool;
        private final ActivationKernel activation;

        ActivatedPass(final LayerPass pool, final ActivationKernel activation)
        {
            this.pool = pool;
            this.activation = activation;
        }

        @Override
        public void forward(final boolean training)
        {
            pool.forward(training);
            activation.forward();
        }

        @Override
        public void backward(final boolean deltaIsPreActivation)
        {
            activation.backward();
            pool.backward(deltaIsPreActivation);
        }

        @Override
        public void close()
        {
            pool.close();
            activation.close();
        }
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
        /** Float32 averages: one batch row of the input (or of its delta) and of the output, copied in bulk. */
        private final float[] inRow;
        private final float[] outRow;

        Pass(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
        {
            batch = (int)buffers.output().rows();
            in = Flat.of(input);
            output = Flat.of(buffers.output());
            delta = Flat.of(buffers.delta());
            inDelta = null == inputDelta ? null : Flat.of(inputDelta);
            selected = spec.kind() == LayerSpec.PoolKind.MAX ? new int[batch * outputSize()] : null;
            final boolean floats = null == selected && in instanceof Flat.Floats && output instanceof Flat.Floats;
            inRow = floats ? new float[inputSize()] : null;
            outRow = floats ? new float[outputSize()] : null;
        }

        @Override
        public void forward(final boolean training)
        {
            if (null != inRow)
            {
                forwardFloats();
                return;
            }
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
            if (null != inRow && inDelta instanceof Flat.Floats && delta instanceof Flat.Floats)
            {
                backwardFloats();
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

        /**
         * The float32 average-pooling forward pass (float32 max pooling runs as {@link MaxPoolOpsPass}): each batch
         * row is copied into a Java array, pooled there, and its outputs copied back in one piece. Same values as the
         * table loop above.
         */
        private void forwardFloats()
        {
            final Flat.Floats source = (Flat.Floats)in;
            final Flat.Floats target = (Flat.Floats)output;
            final int inputs = inputSize();
            final int outputs = outputSize();
            for (int b = 0; b < batch; b++)
            {
                source.read(b * inputs, inRow, inputs);
                averageRow();
                target.write(b * outputs, outRow, outputs);
            }
        }

        /** Average pooling of {@link #inRow} into {@link #outRow} (sums in double, as the table loop). */
        private void averageRow()
        {
            final int area = windows.area();
            final int outputs = outputSize();
            for (int o = 0; o < outputs; o++)
            {
                final int window = o * area;
                double sum = 0.0;
                for (int w = 0; w < area; w++)
                {
                    sum += inRow[windowTable[window + w]];
                }
                outRow[o] = (float)(sum / area);
            }
        }

        /** Float32 average-pooling backward on Java copies of one row at a time; the sums of {@link #backward}. */
        private void backwardFloats()
        {
            final Flat.Floats deltas = (Flat.Floats)delta;
            final Flat.Floats target = (Flat.Floats)inDelta;
            final int area = windows.area();
            final int inputs = inputSize();
            final int outputs = outputSize();
            for (int b = 0; b < batch; b++)
            {
                deltas.read(b * outputs, outRow, outputs);
                Arrays.fill(inRow, 0.0f);
                for (int o = 0; o < outputs; o++)
                {
                    final float share = (float)((double)outRow[o] / area);
                    for (int w = 0; w < area; w++)
                    {
                        inRow[windowTable[o * area + w]] += share;
                    }
                }
                target.write(b * inputs, inRow, inputs);
            }
        }

        @Override
        public void close()
        {
        }
    }
}
