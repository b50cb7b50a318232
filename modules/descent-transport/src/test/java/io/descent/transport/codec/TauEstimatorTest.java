package io.descent.transport.codec;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TauEstimatorTest
{
    @Test
    void shouldSelectWhatSortingPutsAtTheRank()
    {
        final SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 300; trial++)
        {
            final int length = 1 + random.nextInt(trial < 100 ? 12 : 500);
            // Few distinct values in some trials: duplicates are where a partition goes wrong.
            final int distinct = trial % 3 == 0 ? 3 : 1_000_000;
            final float[] values = new float[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = random.nextInt(distinct) * 0.5f;
            }
            if (trial % 7 == 0)
            {
                values[random.nextInt(length)] = Float.POSITIVE_INFINITY;
            }
            final float[] sorted = values.clone();
            Arrays.sort(sorted);
            for (int rank = 0; rank < length; rank += 1 + length / 20)
            {
                final float[] scratch = values.clone();
                assertEquals(sorted[rank], TauEstimator.select(scratch, length, rank), "trial " + trial);
            }
        }
    }

    @Test
    void shouldSampleEnoughPositionsForTheDensity()
    {
        assertEquals(6400, new TauEstimator(1_000_000, new ThresholdSettings(0.01, 1, 1, 1)).sampleCount());
        assertEquals(1024, new TauEstimator(1_000_000, new ThresholdSettings(0.5, 1, 1, 1)).sampleCount());
        assertEquals(1 << 16, new TauEstimator(1_000_000, new ThresholdSettings(1e-5, 1, 1, 1)).sampleCount());
        assertEquals(300, new TauEstimator(300, new ThresholdSettings(0.01, 1, 1, 1)).sampleCount());
        assertEquals(0, new TauEstimator(0, new ThresholdSettings(0.01, 1, 1, 1)).sampleCount());
    }
}
