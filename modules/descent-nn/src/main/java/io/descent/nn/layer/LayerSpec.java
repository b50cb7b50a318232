package io.descent.nn.layer;

import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;

/** What a layer is, independent of the input it will be attached to. Immutable. */
public sealed interface LayerSpec
    permits LayerSpec.Dense, LayerSpec.Dropout, LayerSpec.Conv2d, LayerSpec.Pool2d, LayerSpec.Flatten
{
    /**
     * Builds the layer for a given input.
     *
     * @param input the shape of the layer's input (checked by {@link #check}).
     * @param where the layer's place for messages, e.g. {@code model.layers[2]}.
     * @return the layer, not yet bound to a parameter buffer.
     * @throws BadInputException when the input does not fit the layer.
     */
    Layer build(Shape input, String where);

    /**
     * Checks that the layer takes {@code input} and returns its output shape.
     *
     * @param input the shape of the layer's input.
     * @param where the layer's place for messages, e.g. {@code model.layers[2]}.
     * @return the output shape.
     * @throws BadInputException one line naming the layer and the sizes that do not fit.
     */
    default Shape check(final Shape input, final String where)
    {
        final Layer layer = build(input, where);
        return layer.outputShape();
    }

    /**
     * A fully connected layer {@code a = f(x·W + b)} on a flat input.
     *
     * @param units      output width.
     * @param activation f.
     * @param weightInit initialiser for W.
     * @param biasInit   initialiser for b.
     */
    record Dense(int units, Activation activation, WeightInit weightInit, WeightInit biasInit) implements LayerSpec
    {
        @Override
        public Layer build(final Shape input, final String where)
        {
            if (input.isImage())
            {
                throw new BadInputException(where + " (dense) gets a " + input + " image, but takes a flat input; " +
                    "put { type = flatten } before it");
            }
            return new DenseLayer(input.size(), this);
        }
    }

    /**
     * Inverted dropout: during training each unit is kept with probability 1 − rate and scaled by 1/(1 − rate);
     * at inference it is the identity. Any input shape.
     *
     * @param rate probability of dropping a unit, in [0, 1).
     */
    record Dropout(double rate) implements LayerSpec
    {
        @Override
        public Layer build(final Shape input, final String where)
        {
            return new DropoutLayer(input, rate);
        }
    }

    /**
     * A 2-D convolution {@code a = f(W ⋆ x + b)} on an image [C_in, H, W]: {@code filters} kernels of
     * C_in × kernelHeight × kernelWidth, output [filters, H_out, W_out].
     *
     * @param filters      output channels.
     * @param kernelHeight kernel rows.
     * @param kernelWidth  kernel columns.
     * @param strideHeight vertical stride.
     * @param strideWidth  horizontal stride.
     * @param padding      the padding rule.
     * @param activation   f (not softmax).
     * @param weightInit   initialiser for W (fan-in C_in·kh·kw, fan-out C_out·kh·kw).
     * @param biasInit     initialiser for b.
     */
    record Conv2d(
        int filters, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, Padding padding,
        Activation activation, WeightInit weightInit, WeightInit biasInit) implements LayerSpec
    {
        @Override
        public Layer build(final Shape input, final String where)
        {
            requireImage(input, where, "conv2d");
            return new Conv2dLayer(input, this, where);
        }
    }

    /** The two kinds of pooling. */
    enum PoolKind
    {
        MAX("max-pool2d"),
        AVERAGE("avg-pool2d");

        private final String configName;

        PoolKind(final String configName)
        {
            this.configName = configName;
        }

        /** @return the layer type in configuration files. */
        public String configName()
        {
            return configName;
        }
    }

    /**
     * Max or average pooling of each channel over size × size windows moved by stride, without padding.
     *
     * @param kind   max or average.
     * @param size   window rows and columns.
     * @param stride step between windows.
     */
    record Pool2d(PoolKind kind, int size, int stride) implements LayerSpec
    {
        @Override
        public Layer build(final Shape input, final String where)
        {
            requireImage(input, where, kind.configName());
            return new Pool2dLayer(input, this, where);
        }
    }

    /** Turns an image into a flat vector (CHW order), for dense layers after convolutions. */
    record Flatten() implements LayerSpec
    {
        @Override
        public Layer build(final Shape input, final String where)
        {
            return new FlattenLayer(input);
        }
    }

    private static void requireImage(final Shape input, final String where, final String type)
    {
        if (!input.isImage())
        {
            throw new BadInputException(where + " (" + type + ") needs an image input [channels, height, width], " +
                "but gets " + input + " flat values; set data.shape, e.g. [1, 28, 28], and put no dense or flatten " +
                "layer before it");
        }
    }
}
