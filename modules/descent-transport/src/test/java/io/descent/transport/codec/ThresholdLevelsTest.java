package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Multi-level threshold messages ({@link ThresholdSettings#levels()} above 1, wire format version 2): an element sends
 * {@code round(|r| / τ)} quanta at once, clamped to the levels; the message round-trips in both payloads (indices with
 * a level byte each, or a byte-a-value level map) and the decoder refuses every malformed field without writing
 * outside the sum.
 */
class ThresholdLevelsTest
{
    /** τ pinned to 1 (min = max = initial), up to 7 quanta an element. */
    private static final ThresholdSettings SEVEN = new ThresholdSettings(0.01, 1.0, 1.0, 1.0, 7);

    private final ThresholdDecoder decoder = new ThresholdDecoder();
    private final ThresholdChecks checks = new ThresholdChecks();

    @Test
    void shouldCatchUpALaggingElementInOneMessage()
    {
        final int n = 64;
        final float[] g = new float[n];
        g[5] = 5.3f;
        g[6] = -2.6f;
        g[7] = 20.0f;
        g[8] = 0.4f;
        final ThresholdEncoder leveled = new ThresholdEncoder(n, SEVEN);
        final float[] sum = checks.roundTrip(leveled, g);
        assertEquals(5.0f, sum[5], "5.3 rounds to 5 τ");
        assertEquals(0.3f, leveled.residual(5), 1e-6f);
        assertEquals(-3.0f, sum[6], "2.6 rounds to 3 τ");
        assertEquals(0.4f, leveled.residual(6), 1e-6f);
        assertEquals(7.0f, sum[7], "clamped to the levels");
        assertEquals(13.0f, leveled.residual(7), 1e-6f, "the rest waits in the residual");
        assertEquals(0.0f, sum[8], "below τ: nothing");
        assertEquals(3, leveled.lastSent(), "an element is one value sent, whatever its k");

        final ThresholdEncoder single = new ThresholdEncoder(n, SEVEN.withLevels(1));
        final float[] one = checks.roundTrip(single, g);
        assertEquals(1.0f, one[5], "one level: one τ a message");
        assertEquals(4.3f, single.residual(5), 1e-6f);
    }

    @Test
    void shouldWriteVersionTwoOnlyWithMoreThanOneLevel()
    {
        final int n = 100;
        final float[] g = new float[n];
        g[3] = 2.0f;
        final UnsafeBuffer message = Codecs.buffer(ThresholdDecoder.maxEncodedBytes(n, 7));
        final int v2 = new ThresholdEncoder(n, SEVEN).encode(Codecs.floats(g), 0, message);
        assertEquals(ThresholdFormat.VERSION_LEVELS, message.getByte(ThresholdFormat.VERSION_OFFSET));
        assertEquals(7, message.getByte(ThresholdFormat.LEVELS_OFFSET));
        assertEquals(ThresholdFormat.HEADER_LENGTH + Integer.BYTES + 1, v2, "an index and its level byte");
        final int v1 = new ThresholdEncoder(n, SEVEN.withLevels(1)).encode(Codecs.floats(g), 0, message);
        assertEquals(ThresholdFormat.VERSION, message.getByte(ThresholdFormat.VERSION_OFFSET));
        assertEquals(0, message.getByte(ThresholdFormat.LEVELS_OFFSET));
        assertEquals(ThresholdFormat.HEADER_LENGTH + Integer.BYTES, v1, "version 1 as before");
        assertEquals(ThresholdFormat.HEADER_LENGTH + n, new ThresholdEncoder(n, SEVEN).maxEncodedBytes());
        assertEquals(ThresholdDecoder.maxEncodedBytes(n), new ThresholdEncoder(n, SEVEN.withLevels(1))
            .maxEncodedBytes());
    }

    @Test
    void shouldRoundTripIndicesAndTheLevelMapAndPickTheSmaller()
    {
        // Past one block (2048), so the map may take over in a later block than the one the entries filled.
        final int n = 5000;
        for (final int every : new int[]{ 50, 7, 4, 2, 1 })
        {
            final float[] g = new float[n];
            final float[] expected = new float[n];
            for (int i = 0; i < n; i += every)
            {
                final int k = 1 + i % 9;
                g[i] = (i % 2 == 0 ? 1 : -1) * (k + 0.25f);
                expected[i] = (i % 2 == 0 ? 1 : -1) * Math.min(k, 7);
            }
            final ThresholdEncoder encoder = new ThresholdEncoder(n, SEVEN);
            final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
            final int length = encoder.encode(Codecs.floats(g), 0, message);
            final int sent = (n + every - 1) / every;
            assertEquals(sent, encoder.lastSent());
            final boolean map = sent > n / 5;
            assertEquals(map ? ThresholdFormat.MODE_BITMAP : ThresholdFormat.MODE_INDICES,
                message.getByte(ThresholdFormat.MODE_OFFSET), "every " + every);
            assertEquals(ThresholdFormat.HEADER_LENGTH + (map ? n : sent * 5), length, "every " + every);
            final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
            assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true), "every " + every);
            assertTrue(sum.guardsIntact());
            assertArrayEquals(expected, sum.values(), "every " + every);
        }
    }

    @Test
    void shouldConserveMassWithErrorFeedbackAndKeepTheResidualWithinHalfATau()
    {
        final int n = 5000;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, ThresholdSettings.DEFAULTS.withLevels(127));
        final UnsafeBuffer gradient = Codecs.buffer(n * Float.BYTES);
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final Codecs.GuardedSum step = new Codecs.GuardedSum(n);
        final double[] gradients = new double[n];
        final double[] decoded = new double[n];
        final double[] scale = new double[n];
        final SplittableRandom random = new SplittableRandom(7);
        for (int t = 0; t < 60; t++)
        {
            final float[] g = ThresholdCodecTest.gaussian(random, n, t < 30 ? 1e-2 : 1e-3);
            // A few elements run far ahead of τ: they catch up in one message.
            g[t] = t % 2 == 0 ? 0.5f : -0.5f;
            Codecs.put(gradient, g);
            final int length = encoder.encode(gradient, 0, message);
            assertTrue(decoder.accumulate(message, length, step.sum, n, 1.0f, true));
            final float[] values = step.values();
            for (int i = 0; i < n; i++)
            {
                gradients[i] += g[i];
                decoded[i] += values[i];
                scale[i] += Math.abs(g[i]) + 127 * encoder.tau();
            }
            final float r = Math.abs(encoder.residual(t));
            assertTrue(r <= encoder.tau() / 2 || r >= 127 * encoder.tau(),
                "step " + t + ": what is sent leaves at most τ / 2 unless clamped: " + r + ", τ " + encoder.tau());
        }
        for (int i = 0; i < n; i++)
        {
            assertEquals(gradients[i], decoded[i] + encoder.residual(i), 1e-6 * scale[i], "element " + i);
        }
    }

    @Test
    void shouldCarryANonFiniteElementInTheHeader()
    {
        final int n = 300;
        final float[] g = new float[n];
        g[1] = 3.0f;
        g[100] = Float.NaN;
        g[200] = Float.NEGATIVE_INFINITY;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, SEVEN);
        final float[] sum = checks.roundTrip(encoder, g);
        assertEquals(3.0f, sum[1]);
        assertTrue(Float.isNaN(sum[100]), "the first non-finite element reaches the sum");
        assertEquals(2, encoder.lastNonFinite());
        assertEquals(0.0f, encoder.residual(100), "the residual stays finite");
        assertEquals(0.0f, encoder.residual(200));
    }

    @Test
    void shouldRejectMalformedLeveledIndicesWithoutWritingOutsideTheSum()
    {
        final int n = 200;
        final float[] g = new float[n];
        g[10] = 2.0f;
        g[20] = -1.0f;
        g[199] = 7.0f;
        final UnsafeBuffer valid = Codecs.buffer(ThresholdDecoder.maxEncodedBytes(n, 7));
        final int length = new ThresholdEncoder(n, SEVEN).encode(Codecs.floats(g), 0, valid);
        final int levelsAt = ThresholdFormat.HEADER_LENGTH + 12;
        assertEquals(levelsAt + 3, length);
        assertEquals(7, valid.getByte(levelsAt + 2));
        checks.assertAccepted(valid, length, n);

        checks.assertRejected(valid, length - 1, n, "truncated levels");
        checks.assertRejected(valid, length - 3, n, "the length of version 1");
        checks.assertRejected(valid, length + 1, n, "longer than count says");
        checks.assertRejected(valid, length, n, "level 0", m -> m.putByte(levelsAt, (byte)0));
        checks.assertRejected(valid, length, n, "level above the header's", m -> m.putByte(levelsAt + 1, (byte)8));
        checks.assertRejected(valid, length, n, "level with its top bit set", m -> m.putByte(levelsAt + 1, (byte)0x81));
        checks.assertRejected(valid, length, n, "version 2 claiming one level",
            m -> m.putByte(ThresholdFormat.LEVELS_OFFSET, (byte)1));
        checks.assertRejected(valid, length, n, "version 2 claiming no level",
            m -> m.putByte(ThresholdFormat.LEVELS_OFFSET, (byte)0));
        checks.assertRejected(valid, length, n, "levels beyond 127",
            m -> m.putByte(ThresholdFormat.LEVELS_OFFSET, (byte)128));
        checks.assertRejected(valid, length, n, "version 1 with a levels byte",
            m -> m.putByte(ThresholdFormat.VERSION_OFFSET, ThresholdFormat.VERSION));
        checks.assertRejected(valid, length, n, "unknown version", m -> m.putByte(ThresholdFormat.VERSION_OFFSET, (byte)3));
        checks.assertRejected(valid, length, n, "index out of range",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 8, n, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "decreasing indices",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 4, 5, LITTLE_ENDIAN));
    }

    @Test
    void shouldRejectMalformedLevelMapsWithoutWritingOutsideTheSum()
    {
        final int n = 201;
        final float[] g = new float[n];
        for (int i = 0; i < n; i += 3)
        {
            g[i] = i % 2 == 0 ? 2.0f : -5.0f;
        }
        g[n - 1] = 1.0f;
        final UnsafeBuffer valid = Codecs.buffer(ThresholdDecoder.maxEncodedBytes(n, 7));
        final ThresholdEncoder encoder = new ThresholdEncoder(n, SEVEN);
        final int length = encoder.encode(Codecs.floats(g), 0, valid);
        assertEquals(ThresholdFormat.MODE_BITMAP, valid.getByte(ThresholdFormat.MODE_OFFSET));
        assertEquals(ThresholdFormat.HEADER_LENGTH + n, length);
        assertEquals(-5, valid.getByte(ThresholdFormat.HEADER_LENGTH + 3));
        checks.assertAccepted(valid, length, n);

        final int at = ThresholdFormat.HEADER_LENGTH + 1;
        checks.assertRejected(valid, length - 1, n, "truncated map");
        checks.assertRejected(valid, length, n, "k beyond the levels", m -> m.putByte(at, (byte)8));
        checks.assertRejected(valid, length, n, "k of -128", m -> m.putByte(at, (byte)-128));
        checks.assertRejected(valid, length, n, "count disagrees with the map",
            m -> m.putInt(ThresholdFormat.COUNT_OFFSET, encoder.lastSent() + 1, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "a map read as indices",
            m -> m.putByte(ThresholdFormat.MODE_OFFSET, ThresholdFormat.MODE_INDICES));
    }

    @Test
    void shouldRefuseLevelsOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> SEVEN.withLevels(0));
        assertThrows(IllegalArgumentException.class, () -> SEVEN.withLevels(ThresholdSettings.MAX_LEVELS + 1));
        assertFalse(new ThresholdSettings(0.01, 1.0, 1.0, 1.0).levels() > 1, "four numbers: one level");
    }
}
