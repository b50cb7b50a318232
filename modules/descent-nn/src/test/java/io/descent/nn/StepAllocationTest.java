package io.descent.nn;

import io.descent.nn.init.WeightInit;
import io.descent.nn.kernel.NativeAllocations;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;
import io.descent.nn.optim.Optimizer;
import io.descent.nn.optim.OptimizerSettings;
import io.descent.nn.optim.ScheduleSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training step (fresh noise, forward, backward, optimizer update) and an inference pass allocate nothing native
 * once warmed up, for every activation, loss and optimizer: counted by {@link NativeAllocations} over many steps. The
 * one-shot ND4J calls the layers used before (33 buffers and op contexts per step of this model) would exceed the
 * bound thousands of times over.
 */
class StepAllocationTest
{
    private static final int WARMUP = 3;
    private static final int STEPS = 200;
    /** Far below one per step: a single allocation per step would be 200. */
    private static final long TOLERANCE = STEPS / 10;
    private static final WeightInit INIT = new WeightInit(WeightInit.Kind.HE_NORMAL, 0.0);

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Activation hidden : Activation.values())
        {
            for (final Loss loss : Loss.values())
            {
                final Activation output = null != loss.requiredOutput() ? loss.requiredOutput() : Activation.SOFTMAX;
                cases.add(Arguments.of(hidden, loss, output, hidden.ordinal() % 2 == 0 ? "sgd" : "adam"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "hidden {0}, loss {1}, output {2}, {3}")
    @MethodSource("cases")
    void shouldTrainAndPredictWithoutAllocating(
        final Activation hidden, final Loss loss, final Activation output, final String optimizerKind)
    {
        final Model model = Model.create(new ModelSpec(20, List.of(
            new LayerSpec.Dense(32, hidden, INIT, WeightInit.ZEROS),
            new LayerSpec.Dropout(0.2),
            new LayerSpec.Dense(16, Activation.RELU, INIT, WeightInit.ZEROS),
            new LayerSpec.Dense(4, output, INIT, WeightInit.ZEROS))), 5);
        final Optimizer optimizer = settings(optimizerKind).create(model.parameters(), 100, 10);
        final INDArray x = Nd4j.create(DataType.FLOAT, 32, 20);
        final INDArray y = Nd4j.create(DataType.FLOAT, 32, 4);
        final SplittableRandom random = new SplittableRandom(3);
        fill(random, x, y);
        final NativeAllocations allocations = new NativeAllocations();
        long before = 0;
        for (int step = 0; step < WARMUP + STEPS; step++)
        {
            if (step == WARMUP)
            {
                before = allocations.created();
            }
            model.seedNoise(step);
            model.computeGradients(x, y, loss);
            optimizer.step(model.parameters(), model.gradients(), step);
            model.predict(x);
        }
        final long created = allocations.created() - before;
        assertTrue(created <= TOLERANCE, created + " native allocations in " + STEPS + " steps");
    }

    /** One input channel: on the oneDNN build every image layer runs channels-last; two: CHW. */
    @ParameterizedTest(name = "{0} input channel(s)")
    @ValueSource(ints = { 1, 2 })
    void shouldTrainAndPredictAConvolutionalModelWithoutAllocating(final int channels)
    {
        final Model model = Model.create(new ModelSpec(Shape.image(channels, 9, 9), List.of(
            new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU, INIT, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            new LayerSpec.Conv2d(6, 3, 3, 2, 2, Padding.of(1), Activation.TANH, INIT, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 1),
            new LayerSpec.Dropout(0.2),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(4, Activation.SOFTMAX, INIT, WeightInit.ZEROS))), 5);
        final Optimizer optimizer = settings("adam").create(model.parameters(), 100, 10);
        final INDArray x = Nd4j.create(DataType.FLOAT, 16, channels * 81);
        final INDArray y = Nd4j.create(DataType.FLOAT, 16, 4);
        fill(new SplittableRandom(4), x, y);
        final NativeAllocations allocations = new NativeAllocations();
        long before = 0;
        for (int step = 0; step < WARMUP + STEPS; step++)
        {
            if (step == WARMUP)
            {
                before = allocations.created();
            }
            model.seedNoise(step);
            model.computeGradients(x, y, Loss.CROSS_ENTROPY);
            optimizer.step(model.parameters(), model.gradients(), step);
            model.predict(x);
        }
        final long created = allocations.created() - before;
        assertTrue(created <= TOLERANCE, created + " native allocations in " + STEPS + " steps");
    }

    @Test
    void shouldSeeTheAllocationsOfOneShotOps()
    {
        final INDArray a = Nd4j.rand(DataType.FLOAT, 8, 8);
        final INDArray c = Nd4j.create(DataType.FLOAT, 8, 8);
        final NativeAllocations allocations = new NativeAllocations();
        final long before = allocations.created();
        for (int i = 0; i < STEPS; i++)
        {
            Nd4j.gemm(a, a, c, false, false, 1.0, 0.0);
            c.muli(0.5);
        }
        final long created = allocations.created() - before;
        assertTrue(created >= 2L * STEPS, "the counter missed one-shot ops: " + created + " in " + STEPS + " rounds");
    }

    @Test
    void shouldRebindTheFirstLayerToAnotherFeaturesArrayOfTheSameSize()
    {
        final ModelSpec spec = ModelSpec.mlp(6, 5, 3);
        final Model model = Model.create(spec, 1);
        final SplittableRandom random = new SplittableRandom(9);
        final INDArray y = Nd4j.create(DataType.FLOAT, 4, 3);
        final INDArray first = Nd4j.create(DataType.FLOAT, 4, 6);
        final INDArray second = Nd4j.create(DataType.FLOAT, 4, 6);
        fill(random, first, y);
        fill(random, second, y);
        model.computeGradients(first, y, Loss.CROSS_ENTROPY);
        model.computeGradients(second, y, Loss.CROSS_ENTROPY);
        final Model fresh = Model.create(spec, 1);
        fresh.computeGradients(second, y, Loss.CROSS_ENTROPY);
        assertArrayEquals(fresh.gradients().toFloatVector(), model.gradients().toFloatVector(), 0.0f);
    }

    private static void fill(final SplittableRandom random, final INDArray x, final INDArray y)
    {
        for (long i = 0; i < x.length(); i++)
        {
            x.data().put(i, random.nextDouble(-1.0, 1.0));
        }
        for (long row = 0; row < y.rows(); row++)
        {
            y.putScalar(row, random.nextInt((int)y.columns()), 1.0);
        }
    }

    private static OptimizerSettings settings(final String kind)
    {
        return new OptimizerSettings(kind, 0.01, 0.9, true, 1e-4, 1.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("cosine", 1, 0.5, 0.0, 0.5));
    }
}
