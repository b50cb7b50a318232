package io.descent.nn.layer;

import io.descent.nn.init.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The convolution against ND4J's own {@code conv2d} op (NCHW activations, OIHW kernels, the padding rules), the
 * pooling layers' tie rule (on CHW and channels-last rows), flatten, and the fan-in/fan-out the initialisers see for a
 * kernel.
 */
class ImageLayersTest
{
    private static final WeightInit INIT = new WeightInit(WeightInit.Kind.NORMAL, 0.5);

    @ParameterizedTest(name = "{0}x{1}x{2}, {3} filters, kernel {4}x{5}, stride {6}, padding {7}")
    @CsvSource({
        "1, 28, 28, 4, 3, 3, 1, same",
        "3, 7, 6, 2, 3, 2, 2, valid",
        "2, 6, 6, 3, 3, 3, 2, same",
        "2, 5, 8, 2, 3, 3, 2, 1",
        "1, 4, 4, 2, 1, 1, 1, valid"})
    void shouldComputeWhatNd4jConv2dComputes(
        final int channels, final int height, final int width, final int filters, final int kernelHeight,
        final int kernelWidth, final int stride, final String padding)
    {
        final Padding rule = padding.equals("same") ? Padding.SAME : padding.equals("valid") ? Padding.VALID :
            Padding.of(Integer.parseInt(padding));
        final LayerSpec.Conv2d spec = new LayerSpec.Conv2d(filters, kernelHeight, kernelWidth, stride, stride, rule,
            Activation.IDENTITY, INIT, INIT);
        final Layer layer = spec.build(Shape.image(channels, height, width), "test");
        final INDArray parameters = Nd4j.create(DataType.DOUBLE, layer.parameterCount());
        layer.bind(parameters, Nd4j.create(DataType.DOUBLE, layer.parameterCount()), 0);
        layer.initialize(new SplittableRandom(3));
        final int batch = 3;
        final INDArray x = Nd4j.rand(DataType.DOUBLE, batch, channels * height * width);
        final LayerBuffers buffers = layer.allocate(batch, DataType.DOUBLE);
        layer.prepare(x, buffers, null).forward(false);

        final long kernels = (long)filters * channels * kernelHeight * kernelWidth;
        final INDArray w = parameters.get(NDArrayIndex.interval(0, kernels)).dup()
            .reshape('c', filters, channels, kernelHeight, kernelWidth);
        final INDArray b = parameters.get(NDArrayIndex.interval(kernels, layer.parameterCount())).dup();
        final Shape out = layer.outputShape();
        final INDArray expected = Nd4j.create(DataType.DOUBLE, batch, filters, out.height(), out.width());
        final int pad = rule.mode() == Padding.Mode.EXPLICIT ? rule.amount() : 0;
        Nd4j.exec(DynamicCustomOp.builder("conv2d")
            .addInputs(x.reshape('c', batch, channels, height, width), w, b.reshape(filters))
            .addOutputs(expected)
            .addIntegerArguments(kernelHeight, kernelWidth, stride, stride, pad, pad, 1, 1,
                rule == Padding.SAME ? 1 : 0, 0, 1)
            .build());
        assertArrayEquals(expected.data().asDouble(), buffers.output().data().asDouble(), 1e-12);
    }

    @Test
    void shouldSendATiedMaximumsGradientToTheFirstElementOfItsWindow()
    {
        // Two channels of 3x4; 2x2 windows with stride 1 overlap. Every input of channel 0 is 5: every window ties.
        final Layer pool = new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 1).build(Shape.image(2, 3, 4), "test");
        final double[] values = new double[24];
        java.util.Arrays.fill(values, 0, 12, 5.0);
        for (int i = 12; i < 24; i++)
        {
            values[i] = i % 3 == 0 ? 1.0 : 2.0;
        }
        final INDArray x = Nd4j.create(values, new long[]{ 1, 24 }, 'c');
        final INDArray inputDelta = Nd4j.create(DataType.DOUBLE, 1, 24);
        final LayerBuffers buffers = pool.allocate(1, DataType.DOUBLE);
        final LayerPass pass = pool.prepare(x, buffers, inputDelta);
        pass.forward(true);
        assertEquals(12, pool.outputSize());
        buffers.delta().assign(Nd4j.linspace(DataType.DOUBLE, 1, 12, 1).reshape(1, 12));
        pass.backward(false);
        final double[] got = inputDelta.data().asDouble();
        // Channel 0: output (r, c) (1..6 row-major over a 2x3 grid) goes to input (r, c), its window's top-left.
        assertArrayEquals(new double[]{ 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0 }, java.util.Arrays.copyOf(got, 12));
        // Channel 1 is 1 2 2 1 / 2 2 1 2 / 2 1 2 2: each window's first 2 in row-major order takes its gradient.
        assertArrayEquals(new double[]{ 0, 7 + 8, 9, 0, 10, 11, 0, 12, 0, 0, 0, 0 },
            java.util.Arrays.copyOfRange(got, 12, 24));
        final double[] again = got.clone();
        pass.forward(true);
        pass.backward(false);
        assertArrayEquals(again, inputDelta.data().asDouble(), 0.0);
    }

    /**
     * The float32 pass (rows copied into Java arrays, branch-free window scans, a 2×2 stride-2 special case) chooses
     * and computes what the double pass's table loop does, on inputs full of ties (including 0.0 against -0.0).
     */
    @ParameterizedTest
    @CsvSource({ "MAX, 2, 2, CHW", "MAX, 3, 2, CHW", "MAX, 2, 1, CHW", "MAX, 3, 3, CHW", "AVERAGE, 2, 2, CHW",
        "AVERAGE, 3, 2, CHW", "MAX, 2, 2, HWC", "MAX, 3, 2, HWC", "MAX, 2, 1, HWC", "AVERAGE, 3, 2, HWC" })
    void shouldPoolFloatsAsTheDoubleLoopDoes(final LayerSpec.PoolKind kind, final int size, final int stride,
        final ImageLayout layout)
    {
        final Layer pool = new LayerSpec.Pool2d(kind, size, stride).build(Shape.image(3, 7, 9), "test");
        assertEquals(layout, pool.arrange(layout));
        final int batch = 5;
        final SplittableRandom random = new SplittableRandom(11);
        final double[] levels = { -1.0, -0.0, 0.0, 0.0, 1.0, 2.0, 2.0 };
        final double[] values = new double[batch * pool.inputSize()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = levels[random.nextInt(levels.length)];
        }
        final double[] deltas = new double[batch * pool.outputSize()];
        for (int i = 0; i < deltas.length; i++)
        {
            deltas[i] = random.nextInt(-8, 9);
        }
        final double[][] results = new double[2][];
        final double[][] inputDeltas = new double[2][];
        for (final DataType type : new DataType[]{ DataType.DOUBLE, DataType.FLOAT })
        {
            final int which = type == DataType.DOUBLE ? 0 : 1;
            final INDArray x = Nd4j.create(values, new long[]{ batch, pool.inputSize() }, 'c').castTo(type);
            final INDArray inputDelta = Nd4j.create(type, batch, pool.inputSize());
            final LayerBuffers buffers = pool.allocate(batch, type);
            final LayerPass pass = pool.prepare(x, buffers, inputDelta);
            pass.forward(true);
            buffers.delta().assign(Nd4j.create(deltas, new long[]{ batch, pool.outputSize() }, 'c').castTo(type));
            pass.backward(false);
            results[which] = buffers.output().data().asDouble();
            inputDeltas[which] = inputDelta.data().asDouble();
        }
        for (int i = 0; i < results[0].length; i++)
        {
            // Bitwise as floats: the same element chosen (the sign of a zero included), the same rounded average.
            assertEquals(Float.floatToRawIntBits((float)results[0][i]), Float.floatToRawIntBits((float)results[1][i]),
                "output " + i + ": " + results[0][i] + " vs " + results[1][i]);
        }
        // Integer deltas: max pooling's sums are exact in both types; an average's shares of 1/9 are not.
        assertArrayEquals(inputDeltas[0], inputDeltas[1], kind == LayerSpec.PoolKind.MAX ? 0.0 : 1e-5);
    }

    /**
     * A max pool that took the convolution's ReLU ({@link Pool2dLayer#applyAfter}) gives relu-then-pool's output and
     * input gradient (relu's mask applied), on inputs full of ties, negative windows and zeros of both signs.
     */
    @ParameterizedTest
    @CsvSource({ "FLOAT, CHW", "DOUBLE, CHW", "FLOAT, HWC", "DOUBLE, HWC" })
    void shouldPoolThenApplyReluAsReluThenPool(final DataType type, final ImageLayout layout)
    {
        final Shape shape = Shape.image(3, 6, 8);
        final int batch = 4;
        final SplittableRandom random = new SplittableRandom(21);
        final double[] levels = { -2.0, -1.0, -0.0, 0.0, 0.0, 1.0, 2.0, 2.0 };
        final double[] values = new double[batch * shape.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = levels[random.nextInt(levels.length)];
        }
        final INDArray z = Nd4j.create(values, new long[]{ batch, shape.size() }, 'c').castTo(type);
        final Pool2dLayer plain = (Pool2dLayer)new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2).build(shape, "t");
        final Pool2dLayer fused = (Pool2dLayer)new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2).build(shape, "t");
        plain.arrange(layout);
        fused.arrange(layout);
        assertTrue(fused.applyAfter(Activation.RELU));
        final INDArray deltas = Nd4j.create(DataType.DOUBLE, batch, plain.outputSize());
        for (int i = 0; i < deltas.length(); i++)
        {
            deltas.putScalar(i, random.nextInt(-8, 9));
        }
        // relu then pool, as the layers written: a = relu(z) in place, pool(a); backward pool, then relu's mask
        final INDArray a = z.dup();
        final INDArray aDelta = Nd4j.create(type, batch, shape.size());
        final INDArray scratch = Nd4j.create(type, batch, shape.size());
        final ActivationKernel relu = ActivationKernel.bind(Activation.RELU, a, aDelta, scratch, null);
        relu.forward();
        final LayerBuffers plainBuffers = plain.allocate(batch, type);
        final LayerPass plainPass = plain.prepare(a, plainBuffers, aDelta);
        plainPass.forward(true);
        plainBuffers.delta().assign(deltas.castTo(type));
        plainPass.backward(false);
        relu.backward();
        final INDArray zDelta = Nd4j.create(type, batch, shape.size());
        final LayerBuffers fusedBuffers = fused.allocate(batch, type);
        final LayerPass fusedPass = fused.prepare(z, fusedBuffers, zDelta);
        fusedPass.forward(true);
        fusedBuffers.delta().assign(deltas.castTo(type));
        fusedPass.backward(false);
        // as values: a zero's sign may differ where a window's maximum is not positive
        assertArrayEquals(plainBuffers.output().data().asDouble(), fusedBuffers.output().data().asDouble(), 0.0);
        assertArrayEquals(aDelta.data().asDouble(), zDelta.data().asDouble(), 0.0);
        assertFalse(new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 2).build(shape, "t") instanceof Pool2dLayer p &&
            p.applyAfter(Activation.RELU), "average pooling does not commute with relu");
        assertFalse(((Pool2dLayer)new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2).build(shape, "t"))
            .applyAfter(Activation.TANH), "only relu: a saturating activation makes ties the pool would break otherwise");
    }

    /** Channels-last rows pool each channel's windows as CHW rows of the same images do. */
    @ParameterizedTest
    @CsvSource({ "MAX, FLOAT", "MAX, DOUBLE", "AVERAGE, FLOAT", "AVERAGE, DOUBLE" })
    void shouldPoolChannelsLastRowsAsTheirChannelsFirstImages(final LayerSpec.PoolKind kind, final DataType type)
    {
        final Shape shape = Shape.image(4, 6, 5);
        final int batch = 3;
        final INDArray x = Nd4j.rand(DataType.DOUBLE, batch, shape.size()).castTo(type);
        final double[][] outputs = new double[2][];
        final double[][] inputDeltas = new double[2][];
        for (final ImageLayout layout : ImageLayout.values())
        {
            final Layer pool = new LayerSpec.Pool2d(kind, 2, 2).build(shape, "test");
            pool.arrange(layout);
            final boolean last = layout == ImageLayout.HWC;
            final INDArray rows = last ? ConvOpsPassTest.toChannelsLast(x, shape) : x;
            final INDArray inputDelta = Nd4j.create(type, batch, shape.size());
            final LayerBuffers buffers = pool.allocate(batch, type);
            final LayerPass pass = pool.prepare(rows, buffers, inputDelta);
            pass.forward(true);
            final INDArray delta = Nd4j.linspace(DataType.DOUBLE, 1, batch * pool.outputSize(), 1)
                .reshape(batch, pool.outputSize()).castTo(type);
            buffers.delta().assign(last ? ConvOpsPassTest.toChannelsLast(delta, pool.outputShape()) : delta);
            pass.backward(false);
            outputs[layout.ordinal()] = (last ? channelsFirst(buffers.output(), pool.outputShape()) :
                buffers.output()).data().asDouble();
            inputDeltas[layout.ordinal()] = (last ? channelsFirst(inputDelta, shape) : inputDelta).data().asDouble();
        }
        assertArrayEquals(outputs[0], outputs[1], 0.0);
        assertArrayEquals(inputDeltas[0], inputDeltas[1], 0.0);
    }

    @Test
    void shouldFlattenChannelsLastRowsIntoChannelsFirstOrder()
    {
        final Shape shape = Shape.image(3, 2, 4);
        final Layer flatten = new LayerSpec.Flatten().build(shape, "t");
        assertEquals(ImageLayout.CHW, flatten.arrange(ImageLayout.HWC));
        for (final DataType type : new DataType[]{ DataType.FLOAT, DataType.DOUBLE })
        {
            final INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 24).castTo(type);
            final INDArray inputDelta = Nd4j.create(type, 5, 24);
            final LayerBuffers buffers = flatten.allocate(5, type);
            final LayerPass pass = flatten.prepare(ConvOpsPassTest.toChannelsLast(x, shape), buffers, inputDelta);
            pass.forward(true);
            assertArrayEquals(x.data().asDouble(), buffers.output().data().asDouble(), 0.0);
            buffers.delta().assign(x.mul(2));
            pass.backward(false);
            assertArrayEquals(ConvOpsPassTest.toChannelsLast(x.mul(2), shape).data().asDouble(),
                inputDelta.data().asDouble(), 0.0);
        }
    }

    private static INDArray channelsFirst(final INDArray rows, final Shape shape)
    {
        return rows.reshape('c', rows.rows(), shape.height(), shape.width(), shape.channels()).permute(0, 3, 1, 2)
            .dup('c').reshape('c', rows.rows(), shape.size());
    }

    @Test
    void shouldAverageWindowsAndDropTheRowsThatDoNotFit()
    {
        final Layer pool = new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 2).build(Shape.image(1, 3, 3), "t");
        assertEquals(Shape.image(1, 1, 1), pool.outputShape());
        final INDArray x = Nd4j.create(new double[]{ 1, 2, 9, 3, 6, 9, 9, 9, 9 }, new long[]{ 1, 9 }, 'c');
        final LayerBuffers buffers = pool.allocate(1, DataType.DOUBLE);
        pool.prepare(x, buffers, null).forward(false);
        assertEquals(3.0, buffers.output().getDouble(0), 0.0);
    }

    @Test
    void shouldFlattenWithoutChangingTheValues()
    {
        final Layer flatten = new LayerSpec.Flatten().build(Shape.image(2, 2, 3), "t");
        assertEquals(Shape.flat(12), flatten.outputShape());
        final INDArray x = Nd4j.rand(DataType.FLOAT, 4, 12);
        final INDArray inputDelta = Nd4j.create(DataType.FLOAT, 4, 12);
        final LayerBuffers buffers = flatten.allocate(4, DataType.FLOAT);
        final LayerPass pass = flatten.prepare(x, buffers, inputDelta);
        pass.forward(true);
        assertArrayEquals(x.data().asFloat(), buffers.output().data().asFloat(), 0.0f);
        buffers.delta().assign(x.mul(2));
        pass.backward(false);
        assertArrayEquals(x.mul(2).data().asFloat(), inputDelta.data().asFloat(), 0.0f);
    }

    @Test
    void shouldScaleKernelInitialisationByTheKernelsFans()
    {
        // He-normal: std = sqrt(2 / fan_in), fan_in = C_in·kh·kw = 16·3·3; Xavier: sqrt(2 / (fan_in + fan_out)).
        assertEquals(Math.sqrt(2.0 / 144), kernelStd(WeightInit.Kind.HE_NORMAL), 0.02 * Math.sqrt(2.0 / 144));
        assertEquals(Math.sqrt(2.0 / (144 + 288)), kernelStd(WeightInit.Kind.XAVIER_NORMAL),
            0.02 * Math.sqrt(2.0 / (144 + 288)));
        assertEquals(Math.sqrt(1.0 / 144), kernelStd(WeightInit.Kind.LECUN_NORMAL), 0.02 * Math.sqrt(1.0 / 144));
    }

    private static double kernelStd(final WeightInit.Kind kind)
    {
        final LayerSpec.Conv2d spec = new LayerSpec.Conv2d(32, 3, 3, 1, 1, Padding.SAME, Activation.RELU,
            new WeightInit(kind, 0.0), WeightInit.ZEROS);
        final Layer layer = spec.build(Shape.image(16, 8, 8), "test");
        final INDArray parameters = Nd4j.create(DataType.DOUBLE, layer.parameterCount());
        layer.bind(parameters, Nd4j.create(DataType.DOUBLE, layer.parameterCount()), 0);
        layer.initialize(new SplittableRandom(5));
        return parameters.get(NDArrayIndex.interval(0, 32 * 16 * 9)).stdNumber().doubleValue();
    }
}
