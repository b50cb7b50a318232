package io.descent.train;

/**
 * What one training epoch did.
 *
 * @param epoch     1-based epoch number.
 * @param trainLoss mean training loss over the epoch's batches (weighted by batch size), before each update.
 * @param examples  examples processed.
 * @param steps     optimizer steps taken.
 * @param seconds   wall time of the epoch's training (without evaluation).
 */
public record EpochResult(int epoch, double trainLoss, long examples, long steps, double seconds)
{
    /** @return examples per second of training. */
    public double samplesPerSecond()
    {
        return seconds > 0 ? examples / seconds : 0.0;
    }
}
