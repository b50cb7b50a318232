package io.descent.train;

import io.descent.nn.error.BadInputException;

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
        super(String.format("training diverged: loss is %s at step %d (epoch %d, learning rate %.3g); try a smaller " +
            "train.learning-rate, e.g. %.3g, or set train.clip-norm", loss, step, epoch, learningRate, learningRate / 10));
    }
}
