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
        final double norm = org.nd4j.linalg.factory.Nd4j.getBlasWrapper().level1().nrm2(gradients);
        clipTo(gradients, norm, maxNorm);
        return norm;
    }

    /**
     * Scales the gradient by {@code maxNorm / norm} when {@code norm > maxNorm}: {@link #clipNorm} with the norm
     * computed elsewhere, e.g. the global norm of a vector cut into ranges, each range clipped by the same factor.
     *
     * @param gradients flat gradient (or one range of it), scaled in place.
     * @param norm      the L2 norm of the whole gradient.
     * @param maxNorm   the bound (> 0).
     * @return true when it scaled.
     */
    static boolean clipTo(final INDArray gradients, final double norm, final double maxNorm)
    {
        if (!(norm > maxNorm))
        {
            return false;
        }
        org.nd4j.linalg.factory.Nd4j.getBlasWrapper().level1().scal(gradients.length(), maxNorm / norm, gradients);
        return true;
    }
}
