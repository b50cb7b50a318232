package io.descent.nn;

import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * Finite-difference gradient checks in double precision through the image layers: convolutions with stride 1 and 2,
 * padding same, valid and N, odd and non-square sizes and kernels; max and average pooling (overlapping and not,
 * with inputs that do not tile); flatten; and a conv → pool → conv → pool → flatten → dense model end to end. Two
 * stacked image layers check the input gradient (col2im, pooling's backward) of the upper one through the lower
 * one's parameter gradients.
 */
class ConvGradientCheckTest
{
    private static final WeightInit INIT = new WeightInit(WeightInit.Kind.XAVIER_NORMAL, 0.0);
    private static final WeightInit BIAS = new WeightInit(WeightInit.Kind.NORMAL, 0.1);

    @Test
    void shouldMatchThroughSamePaddedConvolutions()
    {
        check(Shape.image(2, 5, 5), 1,
            conv(3, 3, 3, 1, 1, Padding.SAME, Activation.TANH),
            conv(2, 3, 3, 1, 1, Padding.SAME, Activation.IDENTITY),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchThroughStridedValidConvolutionsOfOddSizes()
    {
        check(Shape.image(2, 7, 6), 2,
            conv(3, 3, 2, 2, 1, Padding.VALID, Activation.LEAKY_RELU),
            conv(2, 2, 3, 2, 2, Padding.VALID, Activation.SIGMOID),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchThroughSamePaddingWithStrideTwo()
    {
        // 6x6 with stride 2 and a 3x3 kernel: same padding puts 0 zeros on top and 1 at the bottom (asymmetric).
        check(Shape.image(1, 6, 6), 3,
            conv(2, 3, 3, 2, 2, Padding.SAME, Activation.TANH),
            conv(2, 3, 3, 2, 2, Padding.SAME, Activation.TANH),
            new LayerSpec.Flatten(),
            dense(2, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchThroughExplicitPadding()
    {
        check(Shape.image(1, 5, 4), 4,
            conv(2, 3, 3, 2, 2, Padding.of(2), Activation.TANH),
            conv(2, 2, 2, 1, 1, Padding.of(1), Activation.IDENTITY),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchThroughMaxPooling()
    {
        // Random inputs have no ties; 7x7 pooled by 2 drops the last row and column; 3 by stride 2 overlaps.
        check(Shape.image(2, 7, 7), 5,
            conv(2, 2, 2, 1, 1, Padding.VALID, Activation.TANH),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 3, 2),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
        check(Shape.image(1, 7, 7), 6,
            conv(2, 3, 3, 1, 1, Padding.SAME, Activation.IDENTITY),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
        // Each convolution's relu applied by the max pool after it (overlapping windows too), channels-last on oneDNN.
        check(Shape.image(1, 8, 8), 9,
            conv(3, 3, 3, 1, 1, Padding.SAME, Activation.RELU),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 3, 2),
            conv(2, 3, 3, 1, 1, Padding.SAME, Activation.RELU),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 1),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchThroughAveragePooling()
    {
        check(Shape.image(2, 7, 5), 7,
            conv(2, 3, 3, 1, 1, Padding.SAME, Activation.TANH),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 1),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 3, 3),
            new LayerSpec.Flatten(),
            dense(3, Activation.SOFTMAX));
    }

    @Test
    void shouldMatchEndToEndWithDropout()
    {
        final ModelSpec spec = new ModelSpec(Shape.image(1, 9, 9), List.of(
            conv(3, 3, 3, 1, 1, Padding.SAME, Activation.RELU),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            conv(4, 3, 3, 1, 1, Padding.SAME, Activation.LEAKY_RELU),
            new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 2, 2),
            new LayerSpec.Dropout(0.25),
            new LayerSpec.Flatten(),
            dense(6, Activation.TANH),
            dense(3, Activation.SOFTMAX)));
        GradientCheckTest.checkGradients(Model.create(spec, DataType.DOUBLE, 8), Loss.CROSS_ENTROPY, 21, 77);
    }

    private static void check(final Shape input, final long seed, final LayerSpec... layers)
    {
        final Model model = Model.create(new ModelSpec(input, List.of(layers)), DataType.DOUBLE, seed);
        GradientCheckTest.checkGradients(model, Loss.CROSS_ENTROPY, seed + 10, 0);
    }

    static LayerSpec.Conv2d conv(
        final int filters, final int kernelHeight, final int kernelWidth, final int strideHeight,
        final int strideWidth, final Padding padding, final Activation activation)
    {
        return new LayerSpec.Conv2d(filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation,
            INIT, BIAS);
    }

    private static LayerSpec.Dense dense(final int units, final Activation activation)
    {
        return new LayerSpec.Dense(units, activation, INIT, BIAS);
    }
}
