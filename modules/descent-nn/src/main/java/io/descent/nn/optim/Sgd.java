package io.descent.nn.optim;

import io.descent.nn.kernel.Axpy;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum (PyTorch convention), Nesterov momentum, L2 weight decay and
 * gradient-norm clipping, all as BLAS level-1 calls over the flat vectors (each {@code α·x} added through {@link Axpy},
 * rounded alike at every position, so a server shard's range updates bit for bit as the whole vector does):
 * <pre>
 *   g ← clip(g);  g ← g + λ·w
 *   v ← μ·v + g
 *   w ← w − lr·(g + μ·v)   (Nesterov)      w ← w − lr·v   (classic)      w ← w − lr·g   (μ = 0)
 * </pre>
 */
public final class Sgd implements Optimizer
{
    private final OptimizerSettings settings;
    private final LearningRateSchedule schedule;
    private final INDArray velocity;
    private final Axpy axpy;

    /**
     * @param settings   hyper-parameters.
     * @param schedule   learning rate per step.
     * @param parameters the vector to be optimised (its length and type size the velocity).
     */
    public Sgd(final OptimizerSettings settings, final LearningRateSchedule schedule, final INDArray parameters)
    {
        this.settings = settings;
        this.schedule = schedule;
        this.velocity = settings.momentum() > 0.0 ? Nd4j.zeros(parameters.dataType(), parameters.length()) : null;
        this.axpy = new Axpy(parameters);
    }

    @Override
    public double step(final INDArray parameters, final INDArray gradients, final long step)
    {
        final Level1 blas = Nd4j.getBlasWrapper().level1();
        final long n = parameters.length();
        final double rate = schedule.rate(step);
        Optimizer.clipNorm(gradients, settings.clipNorm());
        if (settings.weightDecay() > 0.0)
        {
            axpy.apply(settings.weightDecay(), parameters, gradients);
        }
        if (null == velocity)
        {
            axpy.apply(-rate, gradients, parameters);
            return rate;
        }
        final double momentum = settings.momentum();
        blas.scal(n, momentum, velocity);
        blas.axpy(n, 1.0, gradients, velocity);
        if (settings.nesterov())
        {
            axpy.apply(-rate, gradients, parameters);
            axpy.apply(-rate * momentum, velocity, parameters);
        }
        else
        {
            axpy.apply(-rate, velocity, parameters);
        }
        return rate;
    }

    @Override
    public List<INDArray> state()
    {
        return null == velocity ? List.of() : List.of(velocity);
    }
}
