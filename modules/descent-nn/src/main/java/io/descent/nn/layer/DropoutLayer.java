package io.descent.nn.layer;

import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Inverted dropout. Training: {@code out = in ⊙ m}, m_ij = 1/(1 − rate) with probability 1 − rate, else 0, drawn
 * from a generator seeded by {@link #seedNoise}. Inference: {@code out = in}. No parameters.
 */
final class DropoutLayer implements ParameterFreeLayer
{
    private final Shape shape;
    private final int width;
    private final double rate;
    private Random random;

    DropoutLayer(final Shape shape, final double rate)
    {
        this.shape = shape;
        this.width = shape.size();
        this.rate = rate;
    }

    @Override
    public int inputSize()
    {
        return width;
    }

    @Override
    public int outputSize()
    {
        return width;
    }

    @Override
    public Shape outputShape()
    {
        return shape;
    }

    @Override
    public String describe()
    {
        return "dropout(" + rate + ")";
    }

    /** Element-wise: any layout, kept. */
    @Override
    public ImageLayout arrange(final ImageLayout input)
    {
        return input;
    }

    @Override
    public void seedNoise(final long seed)
    {
        if (null == random)
        {
            random = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        }
        else
        {
            random.setSeed(seed);
        }
    }

    @Override
    public LayerBuffers allocate(final int batchSize, final DataType dataType)
    {
        return new LayerBuffers(
            Nd4j.create(dataType, batchSize, width),
            Nd4j.create(dataType, batchSize, width),
            Nd4j.create(dataType, batchSize, width),
            null,
            null);
    }

    @Override
    public LayerPass prepare(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
    {
        return new Pass(input, buffers, inputDelta);
    }

    /** The mask draw, its scaling and the two products bound to one batch size's arrays. */
    private final class Pass implements LayerPass
    {
        private final INDArray input;
        private final INDArray output;
        private final INDArray delta;
        private final INDArray inputDelta;
        private final BernoulliDistribution draw;
        private final ScalarMultiplication scale;
        private final BoundOp drop;
        private final BoundOp dropDelta;

        Pass(final INDArray input, final LayerBuffers buffers, final INDArray inputDelta)
        {
            final INDArray mask = buffers.scratch();
            this.input = input;
            this.output = buffers.output();
            this.delta = buffers.delta();
            this.inputDelta = inputDelta;
            this.draw = new BernoulliDistribution(mask, 1.0 - rate);
            this.scale = new ScalarMultiplication(mask, null, mask, 1.0 / (1.0 - rate));
            this.drop = BoundOp.of(new MulOp(input, mask, output));
            this.dropDelta = null == inputDelta ? null : BoundOp.of(new MulOp(delta, mask, inputDelta));
        }

        @Override
        public void forward(final boolean training)
        {
            if (!training || rate == 0.0)
            {
                output.assign(input);
                return;
            }
            Nd4j.getExecutioner().exec(draw, random);
            Nd4j.exec(scale);
            drop.run();
        }

        @Override
        public void backward(final boolean deltaIsPreActivation)
        {
            if (null == inputDelta)
            {
                return;
            }
            if (rate == 0.0)
            {
                inputDelta.assign(delta);
                return;
            }
            dropDelta.run();
        }

        @Override
        public void close()
        {
            drop.close();
            if (null != dropDelta)
            {
                dropDelta.close();
            }
        }
    }
}
