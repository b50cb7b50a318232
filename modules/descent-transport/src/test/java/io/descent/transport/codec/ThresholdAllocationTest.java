package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoder and decoder run every step on hot threads: once warm, they allocate nothing. */
class ThresholdAllocationTest
{
    private static final int N = 4096;

    @Test
    void shouldNotAllocatePerStepOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        // 1 % writes indices; 20 % starts with indices and spills into the bitmap every step.
        final ThresholdEncoder sparse = new ThresholdEncoder(N, new ThresholdSettings(0.01, 1e-3, 1e-8, 10.0));
        final ThresholdEncoder dense = new ThresholdEncoder(N, new ThresholdSettings(0.2, 1e-3, 1e-8, 10.0));
        final ThresholdDecoder decoder = new ThresholdDecoder();
        final SplittableRandom random = new SplittableRandom(2);
        final UnsafeBuffer[] gradients = {
            Codecs.floats(ThresholdCodecTest.gaussian(random, N, 1e-3)),
            Codecs.floats(ThresholdCodecTest.gaussian(random, N, 1e-3)) };
        final UnsafeBuffer message = Codecs.buffer(sparse.maxEncodedBytes());
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(N);
        run(sparse, dense, decoder, gradients, message, sum, 3000);

        final long before = threads.getCurrentThreadAllocatedBytes();
        final int bitmaps = run(sparse, dense, decoder, gradients, message, sum, 200);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(200, bitmaps, "the dense encoder wrote bitmaps, the sparse one indices");
        // 800 calls: a single object per call would be at least 12.8 kB.
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 200 steps of 2 encodes + 2 decodes");
    }

    private static int run(
        final ThresholdEncoder sparse,
        final ThresholdEncoder dense,
        final ThresholdDecoder decoder,
        final UnsafeBuffer[] gradients,
        final UnsafeBuffer message,
        final Codecs.GuardedSum sum,
        final int steps)
    {
        final ThresholdEncoder[] encoders = { sparse, dense };
        int bitmaps = 0;
        for (int t = 0; t < steps; t++)
        {
            final UnsafeBuffer gradient = gradients[t % 2];
            for (final ThresholdEncoder encoder : encoders)
            {
                final int length = encoder.encode(gradient, 0, message);
                bitmaps += message.getByte(ThresholdFormat.MODE_OFFSET) == ThresholdFormat.MODE_BITMAP ? 1 : 0;
                if (!decoder.accumulate(message, length, sum.sum, N, 0.5f, encoder == sparse))
                {
                    throw new AssertionError("step " + t + " did not decode");
                }
            }
        }
        return bitmaps;
    }
}
