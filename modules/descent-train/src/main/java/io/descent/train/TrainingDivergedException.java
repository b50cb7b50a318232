package io.descent.train;

import io.descent.nn.error.BadInputException;

/**
 * A training step came out non-finite (NaN or infinite loss, gradient or updated weights): the knobs, usually the
 * learning rate, are wrong for this problem. Bad input (exit 2): the message is the one line the user sees, e.g.
 * {@code training diverged at step 41, epoch 1: loss NaN; lower train.learning-rate (now 3.0)}.
 */
public final class TrainingDivergedException extends BadInputException
{
    /** What was not finite. */
    public enum Found
    {
        /** The step's mean loss. */
        LOSS(""),
        /** The step's gradient (the summed gradient on a cluster), with a finite loss. */
        GRADIENT(", gradient not finite"),
        /** The weights or optimizer state after an update whose loss and gradient were finite. */
        WEIGHTS(", weights not finite after the update");

        private final String suffix;

        Found(final String suffix)
        {
            this.suffix = suffix;
        }
    }

    /**
     * @param step         the 0-based optimizer step that diverged (over the whole job).
     * @param epoch        its 1-based epoch.
     * @param loss         the step's mean loss.
     * @param found        what was not finite.
     * @param learningRate the configured {@code train.learning-rate}.
     */
    public TrainingDivergedException(
        final long step, final int epoch, final double loss, final Found found, final double learningRate)
    {
        super("training diverged at step " + step + ", epoch " + epoch + ": loss " + number(loss) + found.suffix +
            "; lower train.learning-rate (now " + number(learningRate) + ")");
    }

    /** @return {@code x} as written in a config file: no trailing {@code .0}, NaN and Infinity as Java spells them. */
    private static String number(final double x)
    {
        final String text = Double.toString(x);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
