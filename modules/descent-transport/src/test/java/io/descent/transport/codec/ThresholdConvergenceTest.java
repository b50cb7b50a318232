package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SGD whose gradients pass through the threshold codec at 1 % density, on least squares with skewed targets: 100
 * outputs, each fitted by a bias ({@code ŷ = w}), targets 10 with probability 0.1 and 0 otherwise, minibatches of 8.
 * The closed-form solution is each output's target mean. Quanta of ±τ weigh a rare large gradient like a frequent
 * small one, so without the residual SGD settles where large and small gradients balance (near the median side), far
 * from the mean; with the residual the rest of a large gradient goes out over the next steps and SGD reaches the mean
 * as uncompressed SGD does.
 */
class ThresholdConvergenceTest
{
    private static final int OUTPUTS = 100;
    private static final int SAMPLES = 64;
    private static final int BATCH = 8;
    private static final int STEPS = 40_000;

    private enum Feedback { KEPT, DROPPED, UNCOMPRESSED }

    @Test
    void shouldReachTheClosedFormSolutionOnlyWithErrorFeedback()
    {
        final double kept = maxError(Feedback.KEPT);
        final double dropped = maxError(Feedback.DROPPED);
        final double uncompressed = maxError(Feedback.UNCOMPRESSED);
        assertTrue(uncompressed < 0.1, "plain SGD's own noise floor: " + uncompressed);
        assertTrue(kept < 0.1, "with error feedback, max |w - mean| = " + kept);
        assertTrue(dropped > 0.5, "without it, max |w - mean| = " + dropped);
    }

    /** @return the largest distance of a fitted bias from its closed-form value after {@link #STEPS} steps. */
    private static double maxError(final Feedback feedback)
    {
        final SplittableRandom random = new SplittableRandom(42);
        final float[][] targets = new float[SAMPLES][OUTPUTS];
        final double[] mean = new double[OUTPUTS];
        for (int s = 0; s < SAMPLES; s++)
        {
            for (int i = 0; i < OUTPUTS; i++)
            {
                targets[s][i] = random.nextDouble() < 0.1 ? 10.0f : 0.0f;
                mean[i] += targets[s][i] / (double)SAMPLES;
            }
        }
        final ThresholdEncoder encoder = new ThresholdEncoder(OUTPUTS, new ThresholdSettings(0.01, 1e-2, 1e-8, 100.0));
        final ThresholdDecoder decoder = new ThresholdDecoder();
        final UnsafeBuffer gradient = Codecs.buffer(OUTPUTS * Float.BYTES);
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final UnsafeBuffer decoded = Codecs.buffer(OUTPUTS * Float.BYTES);
        final float[] w = new float[OUTPUTS];
        final float[] g = new float[OUTPUTS];
        for (int t = 0; t < STEPS; t++)
        {
            Arrays.fill(g, 0.0f);
            for (int b = 0; b < BATCH; b++)
            {
                final float[] sample = targets[random.nextInt(SAMPLES)];
                for (int i = 0; i < OUTPUTS; i++)
                {
                    g[i] += (w[i] - sample[i]) / BATCH;
                }
            }
            if (Feedback.DROPPED == feedback)
            {
                // Cancel what the residual carries, so the encoder quantizes this step's gradient alone.
                for (int i = 0; i < OUTPUTS; i++)
                {
                    g[i] -= encoder.residual(i);
                }
            }
            final float[] update;
            if (Feedback.UNCOMPRESSED == feedback)
            {
                update = g;
            }
            else
            {
                Codecs.put(gradient, g);
                final int length = encoder.encode(gradient, 0, message);
                assertTrue(decoder.accumulate(message, length, decoded, OUTPUTS, 1.0f, true));
                update = Codecs.get(decoded, OUTPUTS);
            }
            final float lr = (float)(0.1 / (1.0 + t / 100.0));
            for (int i = 0; i < OUTPUTS; i++)
            {
                w[i] -= lr * update[i];
            }
        }
        double max = 0.0;
        for (int i = 0; i < OUTPUTS; i++)
        {
            max = Math.max(max, Math.abs(w[i] - mean[i]));
        }
        return max;
    }
}
