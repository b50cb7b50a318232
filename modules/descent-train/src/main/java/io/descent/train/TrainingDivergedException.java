package io.descent.train;

import io.descent.nn.BadInputException;

/** The loss became NaN or infinite: the knobs (usually the learning rate) are wrong for this problem. */
public final class TrainingDivergedException extends BadInputException
{
    /**
     * @param step         the optimizer step whose loss was not finite.
     * @param epoch        the epoch (1-based).
     * @param loss         the loss value seen.
     * @param learningRate the learning rate in use.
     */
    public TrainingDivergedException(final long step, final int epoch, final double loss, final double learningRate)
    {
        super("training diverged: loss is " + loss + " at step " + step + " (epoch " + epoch + ", learning rate " +
            learningRate + "); try a smaller train.learning-rate, e.g. " + learningRate / 10 +
            ", or set train.clip-norm");
    }
}
