package io.descent.nn.layer;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * A layer without parameters (dropout, pooling, flatten): nothing to bind or initialise, and no activation of its own.
 * Thread-confinement as {@link Layer}.
 */
interface ParameterFreeLayer extends Layer
{
    @Override
    default long parameterCount()
    {
        return 0;
    }

    @Override
    default Activation activation()
    {
        return Activation.IDENTITY;
    }

    @Override
    default void bind(final INDArray parameters, final INDArray gradients, final long offset)
    {
    }

    @Override
    default void initialize(final SplittableRandom random)
    {
    }
}
