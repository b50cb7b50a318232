package io.descent.cli.train;

import io.descent.train.EpochResult;
import io.descent.train.Metrics;

/** The one line printed per epoch. */
final class EpochLine
{
    private EpochLine()
    {
    }

    static String format(final EpochResult result, final int epochs, final Metrics validation, final double rate)
    {
        return String.format("epoch %d/%d  train loss %.4f  val %s  lr %.5f  %.0f samples/s  %.1f s",
            result.epoch(), epochs, result.trainLoss(), validation.describe(), rate, result.samplesPerSecond(),
            result.seconds());
    }
}
