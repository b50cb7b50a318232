package io.descent.nn.layer;

import io.descent.nn.init.WeightInit;
import io.descent.nn.kernel.BoundOp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures (prints, asserts nothing about speed) the convolution and pooling kernels of issue 17's two layers, batch
 * 128, 3×3: ND4J's custom ops ({@code conv2d}, {@code conv2d_bp}, {@code maxpool2d}, {@code maxpool2d_bp},
 * {@code avgpool2d}, {@code avgpool2d_bp}) bound once with preallocated outputs, against the layers' im2col + one
 * sgemm path. Asserts that both give the same forward values, and whether each is bitwise reproducible run to run.
 */
@Tag("slow")
class ConvKernelBenchmarkTest
{
    private static final int BATCH = 128;
    private static final int ROUNDS = 5;
    private static final int WARM_UP = 30;

    @Test
    void shouldMeasureNd4jOpsAgainstIm2colSgemm()
    {
        measure(1, 28, 32);
        measure(32, 14, 64);
    }

    private static void measure(final int channels, final int side, final int filters)
    {
        final Shape shape = Shape.image(channels, side, side);
        final LayerSpec.Conv2d spec = new LayerSpec.Conv2d(filters, 3, 3, 1, 1, Padding.SAME, Activation.IDENTITY,
            new WeightInit(WeightInit.Kind.HE_NORMAL, 0.0), new WeightInit(WeightInit.Kind.NORMAL, 0.1));
        final Conv2dLayer layer = new Conv2dLayer(shape, spec, "bench", ConvKernel.IM2COL);
        final INDArray parameters = Nd4j.create(DataType.FLOAT, layer.parameterCount());
        final INDArray gradients = Nd4j.create(DataType.FLOAT, layer.parameterCount());
        layer.bind(parameters, gradients, 0);
        layer.initialize(new SplittableRandom(1));
        final INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, shape.size());
        final INDArray xDelta = Nd4j.create(DataType.FLOAT, BATCH, shape.size());
        final LayerBuffers buffers = layer.allocate(BATCH, DataType.FLOAT);
        final LayerPass pass = layer.prepare(x, buffers, xDelta);
        final INDArray dOut = Nd4j.rand(DataType.FLOAT, BATCH, layer.outputSize());
        final double flops = 2.0 * BATCH * layer.outputSize() * channels * 9;

        final double oursForward = time(() -> pass.forward(true));
        final INDArray oursY = buffers.output().dup();
        final double oursBackward = time(() -> {
            buffers.delta().assign(dOut);
            pass.backward(false);
        });
        // backward overwrites the patches with their gradient: a forward pass comes first in a step.
        pass.forward(true);
        buffers.delta().assign(dOut);
        pass.backward(false);
        final float[] oursGradient = gradients.toFloatVector();
        pass.forward(true);
        buffers.delta().assign(dOut);
        pass.backward(false);
        final boolean oursRepeat = Arrays.equals(oursGradient, gradients.toFloatVector());

        final INDArray x4 = x.reshape('c', BATCH, channels, side, side);
        final INDArray w4 = parameters.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, filters * channels * 9))
            .dup().reshape('c', filters, channels, 3, 3);
        final INDArray b = parameters.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(filters * channels * 9,
            layer.parameterCount())).dup().reshape(filters);
        final INDArray y4 = Nd4j.create(DataType.FLOAT, BATCH, filters, side, side);
        final INDArray dy4 = dOut.reshape('c', BATCH, filters, side, side).dup();
        final INDArray dx4 = Nd4j.create(DataType.FLOAT, BATCH, channels, side, side);
        final INDArray dw4 = Nd4j.create(DataType.FLOAT, filters, channels, 3, 3);
        final INDArray db = Nd4j.create(DataType.FLOAT, filters);
        final int[] args = { 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1 };
        final BoundOp conv = BoundOp.of(DynamicCustomOp.builder("conv2d").addInputs(x4, w4, b).addOutputs(y4)
            .addIntegerArguments(args).build());
        final BoundOp convBp = BoundOp.of(DynamicCustomOp.builder("conv2d_bp").addInputs(x4, w4, b, dy4)
            .addOutputs(dx4, dw4, db).addIntegerArguments(args).build());
        final double nd4jForward = time(conv::run);
        final double nd4jBackward = time(convBp::run);
        final float[] nd4jGradient = dw4.dup().data().asFloat();
        convBp.run();
        final boolean nd4jRepeat = Arrays.equals(nd4jGradient, dw4.data().asFloat());
        assertArrayEquals(y4.data().asFloat(), oursY.data().asFloat(), 1e-3f);
        // dW entries are sums of 128 × side² products (about 2.4e4 here): the two kernels sum in different orders,
        // so they agree to float rounding relative to the largest entry, not to a fixed absolute amount.
        final float[] ours = Arrays.copyOf(gradients.toFloatVector(), (int)layer.parameterCount() - filters);
        assertArrayEquals(dw4.reshape(layer.parameterCount() - filters).toFloatVector(), ours,
            1e-4f * (float)Nd4j.createFromArray(ours).amaxNumber().doubleValue());
        System.out.printf(Locale.ROOT, "conv %d->%d %dx%d batch %d: nd4j forward %.1f GFLOP/s backward %.1f " +
                "(bitwise repeatable: %s) | im2col+sgemm forward %.1f backward %.1f (bitwise repeatable: %s)%n",
            channels, filters, side, side, BATCH, flops / nd4jForward / 1e9, 2 * flops / nd4jBackward / 1e9,
            nd4jRepeat, flops / oursForward / 1e9, 2 * flops / oursBackward / 1e9, oursRepeat);

        final LayerSpec.Pool2d poolSpec = new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2);
        final Pool2dLayer pool = (Pool2dLayer)poolSpec.build(Shape.image(filters, side, side), "bench");
        final LayerBuffers poolBuffers = pool.allocate(BATCH, DataType.FLOAT);
        final INDArray yFlat = oursY;
        final INDArray poolInDelta = Nd4j.create(DataType.FLOAT, BATCH, layer.outputSize());
        final LayerPass poolPass = pool.prepare(yFlat, poolBuffers, poolInDelta);
        final double oursPool = time(() -> poolPass.forward(true));
        final double oursPoolBack = time(() -> poolPass.backward(false));
        final INDArray p4 = Nd4j.create(DataType.FLOAT, BATCH, filters, side / 2, side / 2);
        final INDArray dp4 = Nd4j.rand(DataType.FLOAT, BATCH, filters, side / 2, side / 2);
        final INDArray dpx4 = Nd4j.create(DataType.FLOAT, BATCH, filters, side, side);
        final INDArray y4ours = yFlat.reshape('c', BATCH, filters, side, side);
        final int[] poolArgs = { 2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 0 };
        final BoundOp maxPool = BoundOp.of(DynamicCustomOp.builder("maxpool2d").addInputs(y4ours).addOutputs(p4)
            .addIntegerArguments(poolArgs).build());
        final BoundOp maxPoolBp = BoundOp.of(DynamicCustomOp.builder("maxpool2d_bp").addInputs(y4ours, dp4)
            .addOutputs(dpx4).addIntegerArguments(poolArgs).build());
        final BoundOp avgPool = BoundOp.of(DynamicCustomOp.builder("avgpool2d").addInputs(y4ours).addOutputs(p4)
            .addIntegerArguments(poolArgs).build());
        final BoundOp avgPoolBp = BoundOp.of(DynamicCustomOp.builder("avgpool2d_bp").addInputs(y4ours, dp4)
            .addOutputs(dpx4).addIntegerArguments(poolArgs).build());
        final double nd4jMax = time(maxPool::run);
        assertArrayEquals(p4.data().asFloat(),
            poolBuffers.output().data().asFloat(), 0.0f);
        final double nd4jMaxBack = time(maxPoolBp::run);
        final double nd4jAvg = time(avgPool::run);
        final double nd4jAvgBack = time(avgPoolBp::run);
        System.out.printf(Locale.ROOT, "max-pool 2x2 of %dx%dx%d: nd4j forward %.2f ms backward %.2f ms | " +
                "ours forward %.2f ms backward %.2f ms; nd4j avg-pool forward %.2f ms backward %.2f ms%n",
            filters, side, side, nd4jMax * 1e3, nd4jMaxBack * 1e3, oursPool * 1e3, oursPoolBack * 1e3,
            nd4jAvg * 1e3, nd4jAvgBack * 1e3);
        assertEquals(BATCH, buffers.output().rows());
    }

    /** Best of {@link #ROUNDS} after {@link #WARM_UP} calls, so the Java loops are compiled (C2) as in training. */
    private static double time(final Runnable run)
    {
        for (int i = 0; i < WARM_UP; i++)
        {
            run.run();
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < ROUNDS; i++)
        {
            final long start = System.nanoTime();
            run.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }
}
