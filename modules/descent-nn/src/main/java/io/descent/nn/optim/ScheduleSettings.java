package io.descent.nn.optim;

import com.typesafe.config.Config;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.error.BadInputException;

import java.util.Locale;

/**
 * Learning-rate schedule settings, in epochs (converted to steps once the steps per epoch are known).
 *
 * @param type            constant, step, exponential or cosine.
 * @param stepEpochs      step: epochs between decays.
 * @param gamma           step: factor per decay; exponential: factor per epoch.
 * @param minLearningRate cosine: the final rate.
 * @param warmupEpochs    linear warm-up length in epochs (fractions allowed), 0 for none.
 */
public record ScheduleSettings(String type, double stepEpochs, double gamma, double minLearningRate, double warmupEpochs)
{
    /** The valid values of {@code type}. */
    public static final String TYPES = "constant, step, exponential, cosine";

    /**
     * @param schedule the {@code train.schedule} section, defaults merged.
     * @param prefix   its path for messages, e.g. {@code train.schedule}.
     * @return validated settings.
     */
    public static ScheduleSettings from(final Config schedule, final String prefix)
    {
        final String type = schedule.getString("type").trim().toLowerCase(Locale.ROOT);
        if (!(" " + TYPES.replace(",", "") + " ").contains(" " + type + " "))
        {
            throw new BadInputException("unknown schedule '" + type + "' at " + prefix + ".type; valid: " + TYPES);
        }
        return new ScheduleSettings(
            type,
            ConfigChecks.doubleIn(schedule, "step-epochs", prefix, 0.0, true, Double.MAX_VALUE),
            ConfigChecks.doubleIn(schedule, "gamma", prefix, 0.0, true, 1.0),
            ConfigChecks.doubleIn(schedule, "min-learning-rate", prefix, 0.0, false, Double.MAX_VALUE),
            ConfigChecks.doubleIn(schedule, "warmup-epochs", prefix, 0.0, false, Double.MAX_VALUE));
    }

    /**
     * @param learningRate  the base rate.
     * @param stepsPerEpoch optimizer steps in one epoch (≥ 1).
     * @param epochs        epochs of the run (for cosine's horizon).
     * @return the schedule over steps.
     */
    public LearningRateSchedule toSchedule(final double learningRate, final long stepsPerEpoch, final int epochs)
    {
        final long warmup = Math.round(warmupEpochs * stepsPerEpoch);
        final long every = Math.max(1, Math.round(stepEpochs * stepsPerEpoch));
        final LearningRateSchedule after = switch (type)
        {
            case "step" -> LearningRateSchedule.stepDecay(learningRate, every, gamma);
            case "exponential" -> LearningRateSchedule.exponential(learningRate, Math.max(1, stepsPerEpoch), gamma);
            case "cosine" -> LearningRateSchedule.cosine(
                learningRate, minLearningRate, Math.max(1, epochs * stepsPerEpoch - warmup));
            default -> LearningRateSchedule.constant(learningRate);
        };
        return LearningRateSchedule.warmup(after, warmup);
    }
}
