package io.descent.nn;

import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;
import io.descent.nn.optim.Optimizer;
import io.descent.nn.optim.OptimizerSettings;
import io.descent.nn.optim.ScheduleSettings;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A convolutional model as a whole: its fingerprint covers every knob that changes what it computes, its shape
 * errors name the layer and the sizes, it trains bitwise reproducibly from a seed and learns a task a dense model of
 * the same input cannot see without the spatial structure.
 */
class ConvModelTest
{
    private static final WeightInit HE = new WeightInit(WeightInit.Kind.HE_NORMAL, 0.0);
    private static final Shape INPUT = Shape.image(1, 12, 12);

    private static List<LayerSpec> cnn(final UnaryOperator<LayerSpec.Conv2d> conv, final LayerSpec.Pool2d pool)
    {
        return List.of(
            conv.apply(new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS)),
            pool,
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS));
    }

    @Test
    void shouldChangeTheFingerprintWithEveryKnob()
    {
        final LayerSpec.Pool2d max = new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2);
        final List<ModelSpec> specs = new ArrayList<>();
        specs.add(new ModelSpec(INPUT, cnn(c -> c, max)));
        specs.add(new ModelSpec(Shape.image(4, 6, 6), cnn(c -> c, max)));
        specs.add(new ModelSpec(Shape.image(1, 12, 13), cnn(c -> c, max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> withFilters(c, 5), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 5, 5, 1, 1, c.padding(), c.activation(),
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 1, 1, 1, c.padding(), c.activation(),
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 3, 2, 2, c.padding(), c.activation(),
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.VALID, c.activation(),
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.of(2), c.activation(),
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 3, 1, 1, c.padding(), Activation.TANH,
            HE, WeightInit.ZEROS), max)));
        specs.add(new ModelSpec(INPUT, cnn(c -> c, new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 2))));
        specs.add(new ModelSpec(INPUT, cnn(c -> c, new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 3, 3))));
        specs.add(new ModelSpec(INPUT, cnn(c -> c, new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 1))));
        final Set<Long> hashes = new HashSet<>();
        for (final ModelSpec spec : specs)
        {
            hashes.add(Model.create(spec, 1).fingerprint().hash());
        }
        assertEquals(specs.size(), hashes.size(), "every knob must change the fingerprint");
        // The same computation has the same fingerprint however the padding is written.
        assertEquals(Model.create(new ModelSpec(INPUT, cnn(c -> c, max)), 1).fingerprint(),
            Model.create(new ModelSpec(INPUT, cnn(c -> new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.of(1),
                c.activation(), HE, WeightInit.ZEROS), max)), 2).fingerprint());
    }

    @Test
    void shouldKeepTheFingerprintOfADenseModel()
    {
        final Fingerprint fingerprint = Model.create(ModelSpec.mlp(784, 256, 10), 1).fingerprint();
        assertEquals("784>dense(784,256,relu)>dense(256,10,softmax)", fingerprint.architecture());
        assertEquals(Fingerprint.of("784>dense(784,256,relu)>dense(256,10,softmax)", 784 * 256 + 256 + 2570),
            fingerprint);
    }

    @Test
    void shouldNameTheLayerAndTheSizesThatDoNotFit()
    {
        final BadInputException window = assertThrows(BadInputException.class, () -> new ModelSpec(
            Shape.image(1, 4, 4), List.of(
                new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
                new LayerSpec.Conv2d(2, 3, 3, 1, 1, Padding.VALID, Activation.RELU, HE, WeightInit.ZEROS),
                new LayerSpec.Flatten(),
                new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS))));
        assertTrue(window.getMessage().startsWith("model.layers[1]: a 3x3 window does not fit its 1x2x2 input"),
            window.getMessage());
        final BadInputException dense = assertThrows(BadInputException.class, () -> new ModelSpec(INPUT, List.of(
            new LayerSpec.Conv2d(2, 3, 3, 1, 1, Padding.VALID, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS))));
        assertEquals("model.layers[1] (dense) gets a 2x10x10 image, but takes a flat input; put { type = flatten } " +
            "before it", dense.getMessage());
        final BadInputException flat = assertThrows(BadInputException.class, () -> new ModelSpec(144, List.of(
            new LayerSpec.Conv2d(2, 3, 3, 1, 1, Padding.VALID, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS))));
        assertTrue(flat.getMessage().startsWith("model.layers[0] (conv2d) needs an image input"), flat.getMessage());
        assertFalse(flat.getMessage().contains("\n"));
    }

    @Test
    void shouldTrainBitwiseReproduciblyFromASeed()
    {
        final float[] first = train(9);
        final float[] second = train(9);
        assertArrayEquals(first, second, 0.0f);
        assertFalse(java.util.Arrays.equals(first, train(10)));
    }

    /**
     * Whatever layout the layers choose for their images (channels-last on the oneDNN build) and wherever a max pool
     * applies the ReLU of the convolution before it, a model computes what the same model as written computes (CHW
     * rows, every layer its own activation): the same loss and gradients, up to float rounding, for a stack of
     * convolutions (several channels, stride 2), max and average pooling and flatten.
     */
    @Test
    void shouldComputeWhatTheModelAsWrittenComputes()
    {
        final ModelSpec spec = new ModelSpec(Shape.image(1, 12, 10), List.of(
            new LayerSpec.Conv2d(6, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            new LayerSpec.Conv2d(5, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 1),
            new LayerSpec.Conv2d(4, 3, 2, 2, 2, Padding.VALID, Activation.TANH, HE, WeightInit.ZEROS),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS)));
        final INDArray x = GradientCheckTest.randomMatrix(6, 120, 8).castTo(DataType.FLOAT);
        final INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 3);
        for (int r = 0; r < 6; r++)
        {
            y.putScalar(r, r % 3, 1.0);
        }
        final Model model = Model.create(spec, DataType.FLOAT, 3);
        final Model asWritten = Model.createAsWritten(spec, DataType.FLOAT, 3);
        assertEquals(asWritten.fingerprint(), model.fingerprint());
        assertArrayEquals(asWritten.parameters().toFloatVector(), model.parameters().toFloatVector(), 0.0f);
        assertEquals(asWritten.computeGradients(x, y, Loss.CROSS_ENTROPY),
            model.computeGradients(x, y, Loss.CROSS_ENTROPY), 1e-6);
        assertArrayEquals(asWritten.gradients().toFloatVector(), model.gradients().toFloatVector(), 1e-5f);
        assertArrayEquals(asWritten.predict(x).data().asFloat(), model.predict(x).data().asFloat(), 1e-6f);
    }

    @Test
    void shouldGiveTheMeanOfTheHalvesGradientsForAWholeBatch()
    {
        // What N workers x batch b == 1 x N·b rests on: the mean loss's gradient of 2b rows is the mean of the
        // gradients of its two halves (double, so only rounding differs).
        final ModelSpec spec = new ModelSpec(Shape.image(2, 7, 7), List.of(
            new LayerSpec.Conv2d(3, 3, 3, 2, 2, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 1),
            new LayerSpec.Conv2d(4, 2, 2, 1, 1, Padding.VALID, Activation.TANH, HE, WeightInit.ZEROS),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS)));
        final Model model = Model.create(spec, DataType.DOUBLE, 4);
        final INDArray x = GradientCheckTest.randomMatrix(8, 98, 6);
        final INDArray y = Nd4j.zeros(DataType.DOUBLE, 8, 3);
        for (int r = 0; r < 8; r++)
        {
            y.putScalar(r, r % 3, 1.0);
        }
        model.computeGradients(x, y, Loss.CROSS_ENTROPY);
        final double[] whole = model.gradients().toDoubleVector();
        final org.nd4j.linalg.indexing.INDArrayIndex all = org.nd4j.linalg.indexing.NDArrayIndex.all();
        model.computeGradients(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4), all).dup(),
            y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4), all).dup(), Loss.CROSS_ENTROPY);
        final double[] first = model.gradients().toDoubleVector();
        model.computeGradients(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8), all).dup(),
            y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8), all).dup(), Loss.CROSS_ENTROPY);
        final double[] second = model.gradients().toDoubleVector();
        for (int i = 0; i < whole.length; i++)
        {
            assertEquals(whole[i], (first[i] + second[i]) / 2, 1e-12, "parameter " + i);
        }
    }

    @Test
    void shouldLearnWhereABarIs()
    {
        // Class 0: a horizontal bar, class 1: a vertical bar, anywhere in a noisy 12x12 image.
        final Model model = Model.create(new ModelSpec(INPUT, List.of(
            new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 12, 12),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(2, Activation.SOFTMAX, HE, WeightInit.ZEROS))), 3);
        final Optimizer optimizer = new OptimizerSettings("adam", 0.02, 0.9, false, 0.0, 0.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 0, 0.5, 0.0, 0.5)).create(model.parameters(), 300, 1);
        final SplittableRandom random = new SplittableRandom(5);
        final INDArray x = Nd4j.create(DataType.FLOAT, 32, 144);
        final INDArray y = Nd4j.create(DataType.FLOAT, 32, 2);
        for (int step = 0; step < 300; step++)
        {
            bars(random, x, y);
            model.computeGradients(x, y, Loss.CROSS_ENTROPY);
            optimizer.step(model.parameters(), model.gradients(), step);
        }
        bars(random, x, y);
        final INDArray predicted = model.predict(x).argMax(1);
        final INDArray truth = y.argMax(1);
        int correct = 0;
        for (int i = 0; i < 32; i++)
        {
            correct += predicted.getInt(i) == truth.getInt(i) ? 1 : 0;
        }
        assertTrue(correct >= 30, correct + "/32 correct");
    }

    private static float[] train(final long seed)
    {
        final Model model = Model.create(new ModelSpec(INPUT, List.of(
            new LayerSpec.Conv2d(4, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            new LayerSpec.Conv2d(6, 3, 3, 1, 1, Padding.SAME, Activation.RELU, HE, WeightInit.ZEROS),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 2),
            new LayerSpec.Dropout(0.3),
            new LayerSpec.Flatten(),
            new LayerSpec.Dense(3, Activation.SOFTMAX, HE, WeightInit.ZEROS))), seed);
        final Optimizer optimizer = new OptimizerSettings("sgd", 0.05, 0.9, true, 1e-4, 0.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 0, 0.5, 0.0, 0.5)).create(model.parameters(), 20, 1);
        final SplittableRandom random = new SplittableRandom(seed);
        final INDArray x = Nd4j.create(DataType.FLOAT, 8, 144);
        final INDArray y = Nd4j.create(DataType.FLOAT, 8, 3);
        for (int step = 0; step < 20; step++)
        {
            for (long i = 0; i < x.length(); i++)
            {
                x.data().put(i, random.nextDouble());
            }
            y.assign(0);
            for (int r = 0; r < 8; r++)
            {
                y.putScalar(r, random.nextInt(3), 1.0);
            }
            model.seedNoise(step);
            model.computeGradients(x, y, Loss.CROSS_ENTROPY);
            optimizer.step(model.parameters(), model.gradients(), step);
        }
        return model.parameters().toFloatVector();
    }

    private static void bars(final SplittableRandom random, final INDArray x, final INDArray y)
    {
        y.assign(0);
        for (int r = 0; r < x.rows(); r++)
        {
            for (int i = 0; i < 144; i++)
            {
                x.putScalar(r, i, 0.2 * random.nextDouble());
            }
            final int label = random.nextInt(2);
            final int line = random.nextInt(12);
            final int start = random.nextInt(8);
            for (int k = start; k < start + 4; k++)
            {
                x.putScalar(r, label == 0 ? line * 12 + k : k * 12 + line, 1.0);
            }
            y.putScalar(r, label, 1.0);
        }
    }

    private static LayerSpec.Conv2d withFilters(final LayerSpec.Conv2d conv, final int filters)
    {
        return new LayerSpec.Conv2d(filters, conv.kernelHeight(), conv.kernelWidth(), conv.strideHeight(),
            conv.strideWidth(), conv.padding(), conv.activation(), conv.weightInit(), conv.biasInit());
    }
}
