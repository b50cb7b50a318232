package io.descent.nn.layer;

import io.descent.nn.init.WeightInit;
import io.descent.nn.kernel.NativeBuild;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution's two kernels agree in float32: ND4J's {@code conv2d} / {@code conv2d_bp} ops (oneDNN's kernels on
 * that build) give the im2col path's output, weight, bias and input gradients for every padding rule, stride 2 and
 * odd sizes, on CHW rows and on channels-last rows, and repeat bitwise. The double-precision gradient checks run through whichever kernel is the default.
 */
class ConvOpsPassTest
{
    private static final int BATCH = 5;

    @Test
    void shouldRunOnTheNativeBuildThePomNames()
    {
        final String expected = System.getProperty("descent.nd4j.native.classifier");
        if (null != expected)
        {
            assertEquals(expected, NativeBuild.name());
            assertEquals(expected.contains("-onednn") ? ConvKernel.ND4J_OPS : ConvKernel.IM2COL, ConvKernel.fastest());
        }
    }

    @Test
    void shouldMatchIm2colWithSamePadding()
    {
        compare(Shape.image(3, 8, 8), conv(4, 3, 3, 1, Padding.SAME, Activation.RELU), 1);
    }

    @Test
    void shouldMatchIm2colWithAsymmetricSamePaddingAtStrideTwo()
    {
        compare(Shape.image(2, 6, 6), conv(3, 3, 3, 2, Padding.SAME, Activation.TANH), 2);
    }

    @Test
    void shouldMatchIm2colWithValidPaddingOnOddSizes()
    {
        compare(Shape.image(2, 7, 6), conv(3, 3, 2, 2, Padding.VALID, Activation.LEAKY_RELU), 3);
    }

    @Test
    void shouldMatchIm2colWithExplicitPadding()
    {
        compare(Shape.image(1, 5, 4), conv(2, 3, 3, 2, Padding.of(2), Activation.IDENTITY), 4);
    }

    @Test
    void shouldMatchIm2colWeightGradientsOfAFirstLayerWithOneChannel()
    {
        compareFirstLayer(Shape.image(1, 9, 7), conv(4, 3, 3, 1, Padding.SAME, Activation.RELU), 5);
    }

    @Test
    void shouldMatchIm2colWeightGradientsOfAFirstLayerWithSeveralChannels()
    {
        compareFirstLayer(Shape.image(3, 6, 8), conv(5, 3, 3, 1, Padding.of(1), Activation.TANH), 6);
        compareFirstLayer(Shape.image(2, 7, 6), conv(3, 3, 2, 1, Padding.VALID, Activation.IDENTITY), 7);
    }

    @Test
    void shouldMatchIm2colWeightGradientsOfAFirstLayerWhereConv2dBpRuns()
    {
        // stride 2 and an even kernel's same padding (uneven sides): the weight gradient is not one plain convolution
        compareFirstLayer(Shape.image(2, 6, 6), conv(3, 3, 3, 2, Padding.SAME, Activation.RELU), 8);
        compareFirstLayer(Shape.image(1, 6, 6), conv(3, 2, 2, 1, Padding.SAME, Activation.RELU), 9);
    }

    @Test
    void shouldMatchIm2colChannelsLast()
    {
        compareChannelsLast(Shape.image(3, 8, 8), conv(4, 3, 3, 1, Padding.SAME, Activation.RELU), 11, true);
        compareChannelsLast(Shape.image(2, 7, 6), conv(3, 3, 2, 2, Padding.VALID, Activation.LEAKY_RELU), 12, true);
        compareChannelsLast(Shape.image(1, 5, 4), conv(2, 3, 3, 2, Padding.of(2), Activation.IDENTITY), 13, true);
    }

    @Test
    void shouldMatchIm2colWeightGradientsOfAFirstLayerChannelsLast()
    {
        // stride 1, even padding: the weight gradient as one convolution on strided views of the NHWC arrays
        compareChannelsLast(Shape.image(1, 9, 7), conv(4, 3, 3, 1, Padding.SAME, Activation.RELU), 14, false);
        compareChannelsLast(Shape.image(3, 6, 8), conv(5, 3, 3, 1, Padding.of(1), Activation.TANH), 15, false);
        // where conv2d_bp runs
        compareChannelsLast(Shape.image(2, 6, 6), conv(3, 3, 3, 2, Padding.SAME, Activation.RELU), 16, false);
    }

    @Test
    void shouldRunChannelsLastFromAOneChannelInputOnTheOps()
    {
        final LayerSpec.Conv2d spec = conv(2, 3, 3, 1, Padding.SAME, Activation.RELU);
        assertEquals(ImageLayout.HWC, new Conv2dLayer(Shape.image(1, 4, 4), spec, "t", ConvKernel.ND4J_OPS)
            .arrange(ImageLayout.CHW), "one channel: CHW rows are HWC rows");
        assertEquals(ImageLayout.CHW, new Conv2dLayer(Shape.image(3, 4, 4), spec, "t", ConvKernel.ND4J_OPS)
            .arrange(ImageLayout.CHW), "several channels in CHW rows stay CHW");
        assertEquals(ImageLayout.HWC, new Conv2dLayer(Shape.image(3, 4, 4), spec, "t", ConvKernel.ND4J_OPS)
            .arrange(ImageLayout.HWC));
        assertEquals(ImageLayout.CHW, new Conv2dLayer(Shape.image(1, 4, 4), spec, "t", ConvKernel.IM2COL)
            .arrange(ImageLayout.CHW));
    }

    @Test
    void shouldComputeTheWeightGradientAsOneConvolutionOnlyAtStrideOneWithEvenPadding()
    {
        assertTrue(WeightGradientConv.applies(Shape.image(1, 28, 28), conv(32, 3, 3, 1, Padding.SAME, Activation.RELU)));
        assertTrue(WeightGradientConv.applies(Shape.image(3, 8, 8), conv(4, 5, 3, 1, Padding.VALID, Activation.RELU)));
        assertFalse(WeightGradientConv.applies(Shape.image(1, 8, 8), conv(4, 3, 3, 2, Padding.of(1), Activation.RELU)));
        assertFalse(WeightGradientConv.applies(Shape.image(1, 8, 8), conv(4, 2, 2, 1, Padding.SAME, Activation.RELU)));
    }

    /** A first layer (no input gradient): the two kernels' weight and bias gradients agree and repeat bitwise. */
    private static void compareFirstLayer(final Shape shape, final LayerSpec.Conv2d spec, final long seed)
    {
        final Run ops = new Run(shape, spec, ConvKernel.ND4J_OPS, seed, false);
        final Run im2col = new Run(shape, spec, ConvKernel.IM2COL, seed, false);
        assertArrayEquals(im2col.output, ops.output, 1e-4f, "output");
        assertArrayEquals(im2col.gradients, ops.gradients, 1e-3f, "weight and bias gradients");
        assertArrayEquals(ops.gradients, new Run(shape, spec, ConvKernel.ND4J_OPS, seed, false).gradients, 0.0f);
    }

    private static void compare(final Shape shape, final LayerSpec.Conv2d spec, final long seed)
    {
        final Run ops = new Run(shape, spec, ConvKernel.ND4J_OPS, seed, true);
        final Run im2col = new Run(shape, spec, ConvKernel.IM2COL, seed, true);
        assertArrayEquals(im2col.output, ops.output, 1e-4f, "output");
        assertArrayEquals(im2col.gradients, ops.gradients, 1e-3f, "weight and bias gradients");
        assertArrayEquals(im2col.inputDelta, ops.inputDelta, 1e-4f, "input gradient");
        final Run again = new Run(shape, spec, ConvKernel.ND4J_OPS, seed, true);
        assertArrayEquals(ops.output, again.output, 0.0f);
        assertArrayEquals(ops.gradients, again.gradients, 0.0f);
        assertArrayEquals(ops.inputDelta, again.inputDelta, 0.0f);
    }

    /**
     * The ops kernel on channels-last rows (its input arranged HWC) against im2col on CHW rows of the same images:
     * the same output, gradients and input gradient once permuted, and bitwise repeatable.
     */
    private static void compareChannelsLast(final Shape shape, final LayerSpec.Conv2d spec, final long seed,
        final boolean withInputDelta)
    {
        final Run im2col = new Run(shape, spec, ConvKernel.IM2COL, seed, withInputDelta);
        final Run ops = new Run(shape, spec, ConvKernel.ND4J_OPS, seed, withInputDelta, true);
        final Shape out = new Conv2dLayer(shape, spec, "t", ConvKernel.IM2COL).outputShape();
        assertArrayEquals(im2col.output, toChannelsFirst(ops.output, out), 1e-4f, "output");
        assertArrayEquals(im2col.gradients, ops.gradients, 1e-3f, "weight and bias gradients");
        if (withInputDelta)
        {
            assertArrayEquals(im2col.inputDelta, toChannelsFirst(ops.inputDelta, shape), 1e-4f, "input gradient");
        }
        final Run again = new Run(shape, spec, ConvKernel.ND4J_OPS, seed, withInputDelta, true);
        assertArrayEquals(ops.output, again.output, 0.0f);
        assertArrayEquals(ops.gradients, again.gradients, 0.0f);
        assertArrayEquals(ops.inputDelta, again.inputDelta, 0.0f);
    }

    /** HWC rows of {@link #BATCH} images to CHW rows. */
    static float[] toChannelsFirst(final float[] rows, final Shape shape)
    {
        return Nd4j.create(rows, new long[]{ BATCH, shape.height(), shape.width(), shape.channels() }, DataType.FLOAT)
            .permute(0, 3, 1, 2).dup('c').data().asFloat();
    }

    /** CHW rows of images to HWC rows. */
    static INDArray toChannelsLast(final INDArray rows, final Shape shape)
    {
        return rows.reshape('c', rows.rows(), shape.channels(), shape.height(), shape.width()).permute(0, 2, 3, 1)
            .dup('c').reshape('c', rows.rows(), shape.size());
    }

    /** One forward and backward pass of a fresh float32 layer on seeded inputs. */
    private static final class Run
    {
        private final float[] output;
        private final float[] gradients;
        private final float[] inputDelta;

        Run(final Shape shape, final LayerSpec.Conv2d spec, final ConvKernel kernel, final long seed,
            final boolean withInputDelta)
        {
            this(shape, spec, kernel, seed, withInputDelta, false);
        }

        /** With {@code channelsLast}, the layer is arranged for HWC rows and given the same images so. */
        Run(final Shape shape, final LayerSpec.Conv2d spec, final ConvKernel kernel, final long seed,
            final boolean withInputDelta, final boolean channelsLast)
        {
            final Conv2dLayer layer = new Conv2dLayer(shape, spec, "test", kernel);
            if (channelsLast)
            {
                assertEquals(ImageLayout.HWC, layer.arrange(ImageLayout.HWC));
            }
            final INDArray parameters = Nd4j.create(DataType.FLOAT, 1, layer.parameterCount());
            final INDArray gradientBuffer = Nd4j.create(DataType.FLOAT, 1, layer.parameterCount());
            layer.bind(parameters, gradientBuffer, 0);
            layer.initialize(new SplittableRandom(seed));
            final INDArray x = channelsLast ? toChannelsLast(random(BATCH, shape.size(), seed + 1), shape) :
                random(BATCH, shape.size(), seed + 1);
            final INDArray dx = Nd4j.create(DataType.FLOAT, BATCH, shape.size());
            final LayerBuffers buffers = layer.allocate(BATCH, DataType.FLOAT);
            try (LayerPass pass = layer.prepare(x, buffers, withInputDelta ? dx : null))
            {
                pass.forward(true);
                output = buffers.output().dup().data().asFloat();
                final INDArray delta = random(BATCH, layer.outputSize(), seed + 2);
                buffers.delta().assign(channelsLast ? toChannelsLast(delta, layer.outputShape()) : delta);
                pass.backward(false);
            }
            gradients = gradientBuffer.dup().data().asFloat();
            inputDelta = dx.dup().data().asFloat();
        }
    }

    private static INDArray random(final int rows, final int columns, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = (float)random.nextDouble(-1.0, 1.0);
        }
        return Nd4j.create(values, new long[]{ rows, columns }, DataType.FLOAT);
    }

    private static LayerSpec.Conv2d conv(final int filters, final int kernelHeight, final int kernelWidth,
        final int stride, final Padding padding, final Activation activation)
    {
        return new LayerSpec.Conv2d(filters, kernelHeight, kernelWidth, stride, stride, padding, activation,
            new WeightInit(WeightInit.Kind.XAVIER_NORMAL, 0.0), new WeightInit(WeightInit.Kind.NORMAL, 0.1));
    }
}
