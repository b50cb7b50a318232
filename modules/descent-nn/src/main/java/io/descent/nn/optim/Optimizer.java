package io.descent.nn.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Updates a flat parameter vector from a flat gradient vector of the same length: what the parameter server runs
 * once per step. Not thread-safe; one instance per parameter vector.
 */
public interface Optimizer
{
    /**
     * Applies one update in place. The gradient may be modified (clipping and weight decay are applied to it).
     *
     * @param parameters flat parameters, updated in place.
     * @param gradients  flat gradient of the mean loss, same length.
     * @param step       0-based step number (drives the schedule and Adam's bias correction).
     * @return the learning rate used.
     */
    double step(INDArray parameters, INDArray gradients, long step);

    /** @return the optimizer's state vectors (velocity, or Adam's moments), for checkpoints; live views. */
    List<INDArray> state();

    /**
     * Scales the gradient so its L2 norm is at most {@code maxNorm}.
     *
     * @param gradients flat gradient, scaled in place.
     * @param maxNorm   the bound; ≤ 0 disables clipping (and skips computing the norm).
     * @return the norm before clipping, or NaN when clipping is disabled.
     */
    static double clipNorm(final INDArray gradients, final double maxNorm)
    {
        if (maxNorm <= 0.0)
        {
            return Double.NaN;
        }
        final var level1 = org.nd4j.linalg.factory.Nd4j.getBlasWrapper().level1();
        final double norm = level1.nrm2(gradients);
        if (norm > maxNorm)
        {
            level1.scal(gradients.length(), maxNorm / norm, gradients);
        }
        return norm;
    }
}
