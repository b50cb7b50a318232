package io.descent.nn.optim;

import com.typesafe.config.Config;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.error.BadInputException;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

/**
 * Hyper-parameters of the optimizer, read from the {@code train} section.
 *
 * @param kind         sgd or adam.
 * @param learningRate base learning rate (> 0).
 * @param momentum     SGD momentum μ in [0, 1).
 * @param nesterov     Nesterov momentum (needs μ > 0).
 * @param weightDecay  L2 coefficient λ ≥ 0 added to the gradient.
 * @param clipNorm     maximum gradient L2 norm, 0 for no clipping.
 * @param beta1        Adam β1 in [0, 1).
 * @param beta2        Adam β2 in [0, 1).
 * @param epsilon      Adam ε > 0.
 * @param schedule     learning-rate schedule.
 */
public record OptimizerSettings(
    String kind,
    double learningRate,
    double momentum,
    boolean nesterov,
    double weightDecay,
    double clipNorm,
    double beta1,
    double beta2,
    double epsilon,
    ScheduleSettings schedule)
{
    /** The valid values of {@code kind}. */
    public static final String KINDS = "sgd, adam";

    /**
     * @param train  the {@code train} section, defaults merged.
     * @param prefix its path for messages, e.g. {@code train}.
     * @return validated settings.
     */
    public static OptimizerSettings from(final Config train, final String prefix)
    {
        final String kind = train.getString("optimizer").trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("sgd") && !kind.equals("adam"))
        {
            throw new BadInputException("unknown optimizer '" + kind + "' at " + prefix + ".optimizer; valid: " + KINDS);
        }
        final double momentum = ConfigChecks.doubleIn(train, "momentum", prefix, 0.0, false, 0.999999);
        final boolean nesterov = train.getBoolean("nesterov");
        if (nesterov && momentum == 0.0)
        {
            throw new BadInputException(prefix + ".nesterov = true needs " + prefix + ".momentum > 0");
        }
        return new OptimizerSettings(
            kind,
            ConfigChecks.doubleIn(train, "learning-rate", prefix, 0.0, true, Double.MAX_VALUE),
            momentum,
            nesterov,
            ConfigChecks.doubleIn(train, "weight-decay", prefix, 0.0, false, Double.MAX_VALUE),
            ConfigChecks.doubleIn(train, "clip-norm", prefix, 0.0, false, Double.MAX_VALUE),
            ConfigChecks.doubleIn(train, "adam.beta1", prefix, 0.0, false, 0.999999),
            ConfigChecks.doubleIn(train, "adam.beta2", prefix, 0.0, false, 0.999999999),
            ConfigChecks.doubleIn(train, "adam.epsilon", prefix, 0.0, true, 1.0),
            ScheduleSettings.from(train.getConfig("schedule"), prefix + ".schedule"));
    }

    /**
     * @return these settings without gradient-norm clipping: for an optimizer of one range of a vector whose global
     * norm its caller clips ({@link Optimizer#clipTo}).
     */
    public OptimizerSettings withoutClipping()
    {
        return new OptimizerSettings(kind, learningRate, momentum, nesterov, weightDecay, 0.0, beta1, beta2, epsilon,
            schedule);
    }

    /**
     * Builds the optimizer for a parameter vector.
     *
     * @param parameters    the vector to optimise.
     * @param stepsPerEpoch optimizer steps per epoch.
     * @param epochs        epochs of the run.
     * @return a fresh optimizer (zero state).
     */
    public Optimizer create(final INDArray parameters, final long stepsPerEpoch, final int epochs)
    {
        final LearningRateSchedule rates = schedule.toSchedule(learningRate, stepsPerEpoch, epochs);
        return kind.equals("adam") ? new Adam(this, rates, parameters) : new Sgd(this, rates, parameters);
    }
}
