package io.descent.nn.layer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The bound kernels against ND4J's one-shot calls (what the layers ran before the ops were bound): the same bits, in
 * float and in double, step after step on new values in the same arrays.
 */
class ActivationKernelTest
{
    private static final int BATCH = 13;
    private static final int UNITS = 37;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void shouldGiveBitwiseWhatTheOneShotOpsGive(final Activation activation)
    {
        for (final DataType type : new DataType[]{ DataType.FLOAT, DataType.DOUBLE })
        {
            final SplittableRandom random = new SplittableRandom(activation.ordinal());
            final Arrays bound = new Arrays(type);
            final Arrays oneShot = new Arrays(type);
            try (ActivationKernel kernel = ActivationKernel.bind(activation, bound.a, bound.delta, bound.scratch,
                bound.rowSums))
            {
                for (int step = 0; step < 3; step++)
                {
                    fill(random, bound.a, oneShot.a);
                    fill(random, bound.delta, oneShot.delta);
                    kernel.forward();
                    forward(activation, oneShot.a);
                    assertArrayEquals(oneShot.a.data().asDouble(), bound.a.data().asDouble(), 0.0, "forward");
                    kernel.backward();
                    backward(activation, oneShot);
                    assertArrayEquals(oneShot.delta.data().asDouble(), bound.delta.data().asDouble(), 0.0,
                        "backward");
                }
            }
        }
    }

    /** The same arrays a layer holds for one batch size. */
    private static final class Arrays
    {
        final INDArray a;
        final INDArray delta;
        final INDArray scratch;
        final INDArray rowSums;

        Arrays(final DataType type)
        {
            a = Nd4j.create(type, BATCH, UNITS);
            delta = Nd4j.create(type, BATCH, UNITS);
            scratch = Nd4j.create(type, BATCH, UNITS);
            rowSums = Nd4j.create(type, BATCH, 1);
        }
    }

    private static void fill(final SplittableRandom random, final INDArray first, final INDArray second)
    {
        for (long i = 0; i < first.length(); i++)
        {
            final double value = random.nextDouble(-3.0, 3.0);
            first.data().put(i, value);
            second.data().put(i, value);
        }
    }

    private static void forward(final Activation activation, final INDArray z)
    {
        switch (activation)
        {
            case IDENTITY -> { }
            case RELU -> Nd4j.exec(new RectifiedLinear(z, z, 0.0));
            case LEAKY_RELU -> Nd4j.exec(new LeakyReLU(z, z, Activation.LEAKY_SLOPE));
            case TANH -> Nd4j.exec(new Tanh(z, z));
            case SIGMOID -> Nd4j.exec(new Sigmoid(z, z));
            case SOFTMAX -> Nd4j.exec(new SoftMax(z, z, 1));
            default -> throw new IllegalStateException("unhandled activation " + activation);
        }
    }

    private static void backward(final Activation activation, final Arrays arrays)
    {
        final INDArray a = arrays.a;
        final INDArray delta = arrays.delta;
        final INDArray scratch = arrays.scratch;
        switch (activation)
        {
            case IDENTITY -> { }
            case RELU -> Nd4j.exec(new MulOp(delta, Nd4j.exec(new Step(a, scratch, 0.0)), delta));
            case LEAKY_RELU ->
            {
                Nd4j.exec(new Step(a, scratch, 0.0));
                scratch.muli(1.0 - Activation.LEAKY_SLOPE).addi(Activation.LEAKY_SLOPE);
                Nd4j.exec(new MulOp(delta, scratch, delta));
            }
            case TANH ->
            {
                Nd4j.exec(new MulOp(a, a, scratch));
                Nd4j.exec(new ScalarReverseSubtraction(scratch, scratch, 1.0));
                Nd4j.exec(new MulOp(delta, scratch, delta));
            }
            case SIGMOID ->
            {
                Nd4j.exec(new ScalarReverseSubtraction(a, scratch, 1.0));
                Nd4j.exec(new MulOp(scratch, a, scratch));
                Nd4j.exec(new MulOp(delta, scratch, delta));
            }
            case SOFTMAX ->
            {
                Nd4j.exec(new MulOp(delta, a, scratch));
                scratch.sum(arrays.rowSums, 1);
                delta.subiColumnVector(arrays.rowSums);
                Nd4j.exec(new MulOp(delta, a, delta));
            }
            default -> throw new IllegalStateException("unhandled activation " + activation);
        }
    }
}
