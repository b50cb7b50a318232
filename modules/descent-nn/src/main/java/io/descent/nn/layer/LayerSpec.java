package io.descent.nn.layer;

import io.descent.nn.init.WeightInit;

/** What a layer is, independent of the input size it will be attached to. Immutable. */
public sealed interface LayerSpec permits LayerSpec.Dense, LayerSpec.Dropout
{
    /**
     * Builds the layer for a given input width.
     *
     * @param inputs width of the layer's input.
     * @return the layer, not yet bound to a parameter buffer.
     */
    Layer build(int inputs);

    /**
     * A fully connected layer {@code a = f(x·W + b)}.
     *
     * @param units      output width.
     * @param activation f.
     * @param weightInit initialiser for W.
     * @param biasInit   initialiser for b.
     */
    record Dense(int units, Activation activation, WeightInit weightInit, WeightInit biasInit) implements LayerSpec
    {
        @Override
        public Layer build(final int inputs)
        {
            return new DenseLayer(inputs, this);
        }
    }

    /**
     * Inverted dropout: during training each unit is kept with probability 1 − rate and scaled by 1/(1 − rate);
     * at inference it is the identity.
     *
     * @param rate probability of dropping a unit, in [0, 1).
     */
    record Dropout(double rate) implements LayerSpec
    {
        @Override
        public Layer build(final int inputs)
        {
            return new DropoutLayer(inputs, rate);
        }
    }
}
