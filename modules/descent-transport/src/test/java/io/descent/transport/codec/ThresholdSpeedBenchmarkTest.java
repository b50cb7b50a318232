package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prints the threshold codec's encode and decode speed on a 5.8 M float range (the largest benchmark model) at 1 % and
 * 10 % density, as GB/s of float32 gradient processed and as a ratio to a memcpy of the same bytes measured in the same
 * run. Asserts only behaviour; run with {@code -Ddescent.test.groups=slow -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class ThresholdSpeedBenchmarkTest
{
    private static final int FLOATS = 5_800_000;
    private static final int ROUNDS = 12;
    private static final int WARM_UP = 12;

    @Test
    void shouldPrintEncodeAndDecodeSpeedAgainstMemcpy()
    {
        final SplittableRandom random = new SplittableRandom(1);
        final float[] pool = ThresholdCodecTest.gaussian(random, FLOATS + 4096, 1e-3);
        final UnsafeBuffer[] gradients = { buffer(pool, 0), buffer(pool, 4096) };
        final UnsafeBuffer copy = Codecs.buffer(FLOATS * Float.BYTES);
        final UnsafeBuffer sum = Codecs.buffer(FLOATS * Float.BYTES);
        final double bytes = (double)FLOATS * Float.BYTES;

        double memcpy = Double.MAX_VALUE;
        double dense = Double.MAX_VALUE;
        for (int round = 0; round < WARM_UP + ROUNDS; round++)
        {
            long start = System.nanoTime();
            copy.putBytes(0, gradients[round % 2], 0, FLOATS * Float.BYTES);
            memcpy = Math.min(memcpy, System.nanoTime() - start);
            start = System.nanoTime();
            addDense(gradients[round % 2], sum);
            dense = Math.min(dense, System.nanoTime() - start);
        }
        System.out.printf("threshold codec, %d floats (%.1f MB): memcpy %.2f GB/s, dense float32 sum += g %.2f GB/s" +
            " (%.2fx memcpy)%n", FLOATS, bytes / 1e6, bytes / memcpy, bytes / dense, memcpy / dense);

        for (final double density : new double[]{ 0.01, 0.1 })
        {
            final ThresholdEncoder encoder = new ThresholdEncoder(FLOATS, new ThresholdSettings(density, 1e-3, 1e-8, 1));
            final ThresholdDecoder decoder = new ThresholdDecoder();
            final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
            double encode = Double.MAX_VALUE;
            double decode = Double.MAX_VALUE;
            double decodeFirst = Double.MAX_VALUE;
            int length = 0;
            for (int round = 0; round < WARM_UP + ROUNDS; round++)
            {
                long start = System.nanoTime();
                length = encoder.encode(gradients[round % 2], 0, message);
                final long encoded = System.nanoTime() - start;
                start = System.nanoTime();
                assertTrue(decoder.accumulate(message, length, sum, FLOATS, 0.5f, false));
                final long added = System.nanoTime() - start;
                start = System.nanoTime();
                assertTrue(decoder.accumulate(message, length, sum, FLOATS, 0.5f, true));
                final long overwritten = System.nanoTime() - start;
                if (round >= WARM_UP)
                {
                    encode = Math.min(encode, encoded);
                    decode = Math.min(decode, added);
                    decodeFirst = Math.min(decodeFirst, overwritten);
                }
            }
            System.out.printf("  density %.0f %% (achieved %.2f %%, %s, %d bytes, %.0fx fewer): encode %.2f GB/s " +
                    "(%.2fx memcpy), decode-add %.2f GB/s (%.2fx), decode-first %.2f GB/s (%.2fx)%n",
                density * 100, encoder.lastDensity() * 100,
                message.getByte(ThresholdFormat.MODE_OFFSET) == ThresholdFormat.MODE_BITMAP ? "bitmap" : "indices",
                length, bytes / length, bytes / encode, memcpy / encode, bytes / decode, memcpy / decode,
                bytes / decodeFirst, memcpy / decodeFirst);
        }
    }

    private static UnsafeBuffer buffer(final float[] pool, final int offset)
    {
        final UnsafeBuffer buffer = Codecs.buffer(FLOATS * Float.BYTES);
        for (int i = 0; i < FLOATS; i++)
        {
            buffer.putFloat(i << 2, pool[offset + i], LITTLE_ENDIAN);
        }
        return buffer;
    }

    private static void addDense(final UnsafeBuffer gradient, final UnsafeBuffer sum)
    {
        for (int i = 0; i < FLOATS; i++)
        {
            final int at = i << 2;
            sum.putFloat(at, sum.getFloat(at, LITTLE_ENDIAN) + gradient.getFloat(at, LITTLE_ENDIAN), LITTLE_ENDIAN);
        }
    }
}
