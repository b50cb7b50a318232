package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** τ's adaptation: the achieved density follows the target on Gaussian gradient streams. */
class ThresholdDensityTest
{
    /** Steps τ needs to come from a start 100× off at 4× a step (log4(100) ≈ 3.3), plus one. */
    private static final int WARM_UP = 5;

    @Test
    void shouldConvergeNearTheTargetDensity()
    {
        for (final double target : new double[]{ 0.1, 0.01, 0.001 })
        {
            final int n = 100_000;
            final ThresholdEncoder encoder = new ThresholdEncoder(n, new ThresholdSettings(target, 1e-3, 1e-8, 100.0));
            final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
            final UnsafeBuffer gradient = Codecs.buffer(n * Float.BYTES);
            final SplittableRandom random = new SplittableRandom(5);
            // Each step reads a window of one Gaussian pool at a random offset: fresh per element, cheap per step.
            final float[] pool = ThresholdCodecTest.gaussian(random, 2 * n, 1.0);
            final float[] g = new float[n];
            double total = 0.0;
            int steps = 0;
            for (int t = 0; t < 60; t++)
            {
                // σ jumps 10× at step 30: τ follows within the step (it is picked from this step's values).
                final float sigma = t < 30 ? 1e-1f : 1e-2f;
                final int offset = random.nextInt(n);
                for (int i = 0; i < n; i++)
                {
                    g[i] = sigma * pool[offset + i];
                }
                Codecs.put(gradient, g);
                encoder.encode(gradient, 0, message);
                final double ratio = encoder.lastDensity() / target;
                if (t >= WARM_UP)
                {
                    // τ is the sample quantile with ~64 samples above it: the count's relative standard error is
                    // about 1/√64 = 12.5 %, so a single step beyond 2× either way would be a > 5σ event.
                    assertTrue(ratio > 0.5 && ratio < 2.0, "target " + target + " step " + t + ": " + ratio);
                    total += ratio;
                    steps++;
                }
            }
            // The mean of 55 steps has a standard error near 12.5 % / √55 ≈ 1.7 %: ±10 % leaves room for a small
            // bias of the quantile estimate, not for a wrong rank.
            assertEquals(1.0, total / steps, 0.1, "target " + target + ": mean achieved density ÷ target");
        }
    }

    @Test
    void shouldHitTheTargetExactlyWhenTheWholeRangeIsSampled()
    {
        final int n = 1000;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, new ThresholdSettings(0.01, 1e-2, 1e-8, 100.0));
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final SplittableRandom random = new SplittableRandom(9);
        for (int t = 0; t < 40; t++)
        {
            encoder.encode(Codecs.floats(ThresholdCodecTest.gaussian(random, n, 1e-2)), 0, message);
            if (t >= WARM_UP)
            {
                assertEquals(10, encoder.lastSent(), "step " + t + ": τ is the 10th largest |r + g| itself");
            }
        }
    }
}
