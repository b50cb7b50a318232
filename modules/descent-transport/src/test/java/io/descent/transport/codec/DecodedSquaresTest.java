package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GradientDecoder#squares}: the squared norm of what {@link GradientDecoder#accumulate} decodes at weight 1,
 * for the half codecs and threshold in each of its four payloads (one level or several, indices or the map); NaN
 * for a message of the wrong length.
 */
class DecodedSquaresTest
{
    private static final int N = 5_003;

    @Test
    void shouldBeTheSquaredNormOfTheDecodedHalves()
    {
        for (final Compression compression : new Compression[]{ Compression.FP16, Compression.BF16 })
        {
            final HalfEncoder encoder = new HalfEncoder(compression, N);
            final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
            final int length = encoder.encode(Codecs.floats(gradient(1.0)), 0, message);
            final HalfDecoder decoder = new HalfDecoder(compression);
            assertSquares(decoder, message, length);
            assertTrue(Double.isNaN(decoder.squares(message, length - 2, N)), "one value short");
        }
    }

    @Test
    void shouldBeTheSquaredNormOfTheDecodedQuanta()
    {
        // A first τ of 2.5 sends about 1 % of normal values (indices), 1e-3 nearly all (the bitmap or level map);
        // levels 1 is wire version 1, 4 version 2.
        final Set<String> payloads = new HashSet<>();
        for (final double tau : new double[]{ 2.5, 1e-3 })
        {
            for (final int levels : new int[]{ 1, 4 })
            {
                final ThresholdEncoder encoder = new ThresholdEncoder(N,
                    new ThresholdSettings(0.01, tau, 1e-8, 10.0).withLevels(levels));
                final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
                final int length = encoder.encode(Codecs.floats(gradient(1.0)), 0, message);
                final ThresholdDecoder decoder = new ThresholdDecoder();
                assertTrue(decoder.valuesSent(message, length, N) > 0);
                assertSquares(decoder, message, length);
                assertTrue(Double.isNaN(decoder.squares(message, length - 1, N)), "one byte short");
                payloads.add(message.getByte(ThresholdFormat.VERSION_OFFSET) + "/" +
                    message.getByte(ThresholdFormat.MODE_OFFSET));
            }
        }
        assertEquals(Set.of("1/0", "1/1", "2/0", "2/1"), payloads, "versions 1 and 2, indices and map");
    }

    @Test
    void shouldBeInfiniteForAGradientThatIsNotFinite()
    {
        final float[] gradient = gradient(1.0);
        gradient[7] = Float.NaN;
        final ThresholdEncoder threshold = new ThresholdEncoder(N, ThresholdSettings.DEFAULTS);
        final UnsafeBuffer coded = Codecs.buffer(threshold.maxEncodedBytes());
        final int codedLength = threshold.encode(Codecs.floats(gradient), 0, coded);
        assertEquals(Double.POSITIVE_INFINITY, new ThresholdDecoder().squares(coded, codedLength, N));
        final HalfEncoder fp16 = new HalfEncoder(Compression.FP16, N);
        final UnsafeBuffer halves = Codecs.buffer(fp16.maxEncodedBytes());
        final int length = fp16.encode(Codecs.floats(gradient), 0, halves);
        assertEquals(Double.POSITIVE_INFINITY, new HalfDecoder(Compression.FP16).squares(halves, length, N));
    }

    private static void assertSquares(final GradientDecoder decoder, final UnsafeBuffer message, final int length)
    {
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(N);
        assertTrue(decoder.accumulate(message, length, sum.sum, N, 1.0f, true));
        double expected = 0.0;
        for (final float value : sum.values())
        {
            expected += (double)value * value;
        }
        assertTrue(expected > 0.0);
        assertEquals(expected, decoder.squares(message, length, N), expected * 1e-12, decoder.compression().label());
    }

    private static float[] gradient(final double scale)
    {
        final Random random = new Random(18);
        final float[] values = new float[N];
        for (int i = 0; i < N; i++)
        {
            values[i] = (float)(random.nextGaussian() * scale);
        }
        return values;
    }
}
