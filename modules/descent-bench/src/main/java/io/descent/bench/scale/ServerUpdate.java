package io.descent.bench.scale;

import io.descent.nn.optim.Finite;
import io.descent.nn.optim.LearningRateSchedule;
import io.descent.nn.optim.OptimizerSettings;
import io.descent.nn.optim.ScheduleSettings;
import io.descent.nn.optim.Sgd;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameter server's arithmetic of one synchronous step, as {@code ServerEngine} runs it on a dense vector: the
 * fold of each rank's gradient into the sum in rank order ({@link #fold}: the first becomes the sum in its own buffer,
 * scaled by its weight; the others are scaled in theirs, then added with one axpy), then the update ({@link #apply}:
 * the finiteness check, then the server's momentum {@link Sgd} step at a constant rate of {@value #LEARNING_RATE},
 * momentum {@value #MOMENTUM}). Confined to the calling thread; it updates the parameters it was given in place.
 */
public final class ServerUpdate
{
    /** The learning rate of the update. */
    public static final double LEARNING_RATE = 0.01;
    /** The momentum of the update (classic, not Nesterov). */
    public static final double MOMENTUM = 0.9;

    private final INDArray parameters;
    private final Sgd sgd;
    private long step;

    /** @param parameters the float vector the updates change, in place. */
    public ServerUpdate(final INDArray parameters)
    {
        this.parameters = parameters;
        this.sgd = new Sgd(new OptimizerSettings("sgd", LEARNING_RATE, MOMENTUM, false, 0.0, 0.0, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 1, 1, 0, 0)), LearningRateSchedule.constant(LEARNING_RATE), parameters);
    }

    /**
     * Adds {@code weight · gradient} to the step's sum, as the server folds one rank's gradient.
     *
     * @param sum      the sum so far, or null for the step's first rank.
     * @param gradient the rank's gradient, the same length; scaled in place unless {@code weight} is 1, and it becomes
     *                 the sum when {@code sum} is null.
     * @param weight   the rank's share of the step.
     * @return the sum.
     */
    public static INDArray fold(final INDArray sum, final INDArray gradient, final double weight)
    {
        final long floats = gradient.length();
        if (weight != 1.0)
        {
            Nd4j.getBlasWrapper().level1().scal(floats, weight, gradient);
        }
        if (null == sum)
        {
            return gradient;
        }
        Nd4j.getBlasWrapper().level1().axpy(floats, 1.0, gradient, sum);
        return sum;
    }

    /**
     * One update from the folded sum: checks that it is finite, then runs the optimizer's next step.
     *
     * @param sum the step's gradient; the optimizer may change it (clipping).
     * @return false when the sum was not finite: then nothing was applied.
     */
    public boolean apply(final INDArray sum)
    {
        if (!Finite.all(sum))
        {
            return false;
        }
        sgd.step(parameters, sum, step++);
        return true;
    }
}
