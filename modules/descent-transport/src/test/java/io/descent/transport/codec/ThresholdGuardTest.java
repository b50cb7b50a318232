package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-finite gradients, τ's bounds and malformed messages. */
class ThresholdGuardTest
{
    private static final ThresholdSettings TAU_ONE = new ThresholdSettings(0.01, 1.0, 1.0, 1.0);

    private final ThresholdDecoder decoder = new ThresholdDecoder();
    private final ThresholdChecks checks = new ThresholdChecks();

    @Test
    void shouldSurfaceNonFiniteGradientsInTheDecodedSum()
    {
        final int n = 100;
        final ThresholdEncoder worker0 = new ThresholdEncoder(n, TAU_ONE);
        final ThresholdEncoder worker1 = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        g[2] = 1.5f;
        g[7] = Float.NaN;
        g[9] = Float.POSITIVE_INFINITY;
        final UnsafeBuffer message0 = Codecs.buffer(worker0.maxEncodedBytes());
        final int length0 = worker0.encode(Codecs.floats(g), 0, message0);
        assertEquals(2, worker0.lastNonFinite());
        assertEquals(1, worker0.lastSent(), "the finite element still goes out");
        assertEquals(0.0f, worker0.residual(7), "the residual stays finite");
        assertEquals(0.0f, worker0.residual(9));
        assertEquals(0.5f, worker0.residual(2));

        final float[] h = new float[n];
        h[50] = 3.0f;
        final UnsafeBuffer message1 = Codecs.buffer(worker1.maxEncodedBytes());
        final int length1 = worker1.encode(Codecs.floats(h), 0, message1);

        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message0, length0, sum.sum, n, 0.5f, true));
        assertTrue(decoder.accumulate(message1, length1, sum.sum, n, 0.5f, false));
        final float[] values = sum.values();
        assertTrue(Float.isNaN(values[7]), "the first non-finite element travels exactly");
        assertFalse(Double.isFinite(asum(values)), "the server's divergence check sees it");
        assertEquals(0.5f, values[2]);
        assertEquals(0.5f, values[50]);
        assertTrue(sum.guardsIntact());

        // The next step is clean again: no flag, residual intact.
        final int next = worker0.encode(Codecs.floats(new float[n]), 0, message0);
        assertEquals(0, worker0.lastNonFinite());
        assertEquals(0, message0.getByte(ThresholdFormat.FLAGS_OFFSET));
        assertTrue(decoder.accumulate(message0, next, sum.sum, n, 1.0f, true));
        assertTrue(Double.isFinite(asum(sum.values())));
    }

    @Test
    void shouldSurfaceANonFiniteElementInALaterBlockOfABitmap()
    {
        final int n = 2 * ThresholdEncoder.BLOCK + 5;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        for (int i = 0; i < n; i += 2)
        {
            g[i] = -1.0f;
        }
        final int late = ThresholdEncoder.BLOCK + 101;
        g[late] = Float.NEGATIVE_INFINITY;
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, message);
        assertEquals(ThresholdFormat.MODE_BITMAP, message.getByte(ThresholdFormat.MODE_OFFSET));
        assertEquals((n + 1) / 2, encoder.lastSent());
        assertEquals(0.0f, encoder.residual(late));
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true));
        final float[] values = sum.values();
        assertEquals(Float.NEGATIVE_INFINITY, values[late]);
        assertEquals(-1.0f, values[late - 1]);
        assertEquals(-1.0f, values[n - 1]);
        assertEquals(0.0f, values[n - 2]);
        assertTrue(sum.guardsIntact());
    }

    @Test
    void shouldSurfaceOverflowAndOppositeInfinities()
    {
        final int n = 16;
        final ThresholdEncoder overflowing = new ThresholdEncoder(n, TAU_ONE);
        final float[] big = new float[n];
        big[4] = Float.MAX_VALUE;
        checks.roundTrip(overflowing, big);
        assertEquals(Float.MAX_VALUE - 1.0f, overflowing.residual(4));
        final UnsafeBuffer message = Codecs.buffer(overflowing.maxEncodedBytes());
        final int length = overflowing.encode(Codecs.floats(big), 0, message);
        assertEquals(1, overflowing.lastNonFinite(), "residual + gradient overflowed");
        assertEquals(Float.MAX_VALUE - 1.0f, overflowing.residual(4), "and was left as it was");
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true));
        assertEquals(Float.POSITIVE_INFINITY, sum.values()[4]);

        final ThresholdEncoder negative = new ThresholdEncoder(n, TAU_ONE);
        final float[] minusInfinity = new float[n];
        minusInfinity[4] = Float.NEGATIVE_INFINITY;
        final int otherLength = negative.encode(Codecs.floats(minusInfinity), 0, message);
        assertTrue(decoder.accumulate(message, otherLength, sum.sum, n, 1.0f, false));
        assertTrue(Float.isNaN(sum.values()[4]), "+inf from one worker and -inf from another sum to NaN");
    }

    @Test
    void shouldKeepTauWithinBoundsAndFinite()
    {
        final int n = 4096;
        final ThresholdSettings settings = new ThresholdSettings(0.01, 1e-2, 1e-6, 1.0);
        final ThresholdEncoder encoder = new ThresholdEncoder(n, settings);
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final SplittableRandom random = new SplittableRandom(11);
        final float[] zeros = new float[n];
        final float[] nan = new float[n];
        Arrays.fill(nan, Float.NaN);
        final float[] huge = ThresholdCodecTest.gaussian(random, n, 1e30);
        final float[][] stream = { zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, nan, huge,
            huge, huge, huge, huge, huge, huge, huge, huge, nan, zeros };
        float previous = encoder.tau();
        for (int t = 0; t < stream.length; t++)
        {
            encoder.encode(Codecs.floats(stream[t]), 0, message);
            final float tau = encoder.tau();
            assertTrue(tau >= 1e-6f && tau <= 1.0f && Float.isFinite(tau), "step " + t + ": τ = " + tau);
            assertTrue(tau <= previous * 4.0f && tau >= previous / 4.0f, "step " + t + ": at most 4× a step");
            assertTrue(Float.isFinite((float)encoder.residualNorm()) || stream[t] == huge, "step " + t);
            previous = tau;
        }
        assertEquals(1.0f, encoder.tau(), "huge gradients pinned τ at max-tau, NaN kept it there");

        final ThresholdEncoder quiet = new ThresholdEncoder(n, settings);
        for (int t = 0; t < 20; t++)
        {
            quiet.encode(Codecs.floats(zeros), 0, message);
        }
        assertEquals(1e-6f, quiet.tau(), "a zero gradient walks τ down to min-tau, no further");
    }

    @Test
    void shouldRejectMalformedIndexMessagesWithoutWritingOutsideTheSum()
    {
        final int n = 200;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        g[10] = 1.0f;
        g[20] = -1.0f;
        g[199] = 1.0f;
        final UnsafeBuffer valid = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, valid);
        assertEquals(ThresholdFormat.HEADER_LENGTH + 12, length);
        checks.assertAccepted(valid, length, n);

        checks.assertRejected(valid, length - 1, n, "truncated payload");
        checks.assertRejected(valid, ThresholdFormat.HEADER_LENGTH - 1, n, "truncated header");
        checks.assertRejected(valid, 0, n, "empty");
        checks.assertRejected(valid, length + 4, n, "longer than count says");
        checks.assertRejected(valid, length, n - 1, "another range's length");
        checks.assertRejected(valid, length, n, "count beyond length",
            m -> m.putInt(ThresholdFormat.COUNT_OFFSET, 4, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "negative count", m -> m.putInt(ThresholdFormat.COUNT_OFFSET, -1));
        checks.assertRejected(valid, length, n, "index out of range",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 8, n, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "negative index with sign bit far out",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 8, 0xFFFF_FFFF, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "decreasing indices",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 4, 5, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "repeated index",
            m -> m.putInt(ThresholdFormat.HEADER_LENGTH + 4, 10, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "unknown mode", m -> m.putByte(ThresholdFormat.MODE_OFFSET, (byte)7));
        checks.assertRejected(valid, length, n, "unknown version", m -> m.putByte(ThresholdFormat.VERSION_OFFSET, (byte)2));
        checks.assertRejected(valid, length, n, "reserved set", m -> m.putByte(ThresholdFormat.RESERVED_OFFSET, (byte)1));
        checks.assertRejected(valid, length, n, "unknown flag", m -> m.putByte(ThresholdFormat.FLAGS_OFFSET, (byte)2));
        checks.assertRejected(valid, length, n, "flag without a non-finite element",
            m -> m.putByte(ThresholdFormat.FLAGS_OFFSET, ThresholdFormat.FLAG_NON_FINITE));
        checks.assertRejected(valid, length, n, "non-finite element without the flag",
            m -> m.putInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, 3, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "non-finite element out of range", m ->
        {
            m.putByte(ThresholdFormat.FLAGS_OFFSET, ThresholdFormat.FLAG_NON_FINITE);
            m.putInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, n, LITTLE_ENDIAN);
            m.putFloat(ThresholdFormat.NON_FINITE_VALUE_OFFSET, Float.NaN, LITTLE_ENDIAN);
        });
        checks.assertRejected(valid, length, n, "flagged element with a finite value", m ->
        {
            m.putByte(ThresholdFormat.FLAGS_OFFSET, ThresholdFormat.FLAG_NON_FINITE);
            m.putInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, 3, LITTLE_ENDIAN);
            m.putFloat(ThresholdFormat.NON_FINITE_VALUE_OFFSET, 2.0f, LITTLE_ENDIAN);
        });
        for (final float tau : new float[]{ 0.0f, -1.0f, Float.NaN, Float.POSITIVE_INFINITY })
        {
            checks.assertRejected(valid, length, n, "τ = " + tau,
                m -> m.putFloat(ThresholdFormat.TAU_OFFSET, tau, LITTLE_ENDIAN));
        }
    }

    @Test
    void shouldRejectMalformedBitmapMessagesWithoutWritingOutsideTheSum()
    {
        final int n = 201;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        for (int i = 0; i < n; i += 3)
        {
            g[i] = i % 2 == 0 ? 1.0f : -1.0f;
        }
        g[n - 1] = 1.0f;
        final UnsafeBuffer valid = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, valid);
        assertEquals(ThresholdFormat.MODE_BITMAP, valid.getByte(ThresholdFormat.MODE_OFFSET));
        assertEquals(ThresholdFormat.HEADER_LENGTH + 51, length);
        checks.assertAccepted(valid, length, n);

        final int last = ThresholdFormat.HEADER_LENGTH + 50;
        assertEquals(0b01, valid.getByte(last), "element 200 is +τ, the three slots past the end are zero");
        checks.assertRejected(valid, length - 1, n, "truncated bitmap");
        checks.assertRejected(valid, length, n, "code 11", m -> m.putByte(ThresholdFormat.HEADER_LENGTH + 1, (byte)0b11));
        checks.assertRejected(valid, length, n, "a quantum past the range's end", m -> m.putByte(last, (byte)0b0101));
        checks.assertRejected(valid, length, n, "count disagrees with the bitmap",
            m -> m.putInt(ThresholdFormat.COUNT_OFFSET, encoder.lastSent() - 1, LITTLE_ENDIAN));
        checks.assertRejected(valid, length, n, "bitmap for an index count",
            m -> m.putByte(ThresholdFormat.MODE_OFFSET, ThresholdFormat.MODE_INDICES));
    }


    private static double asum(final float[] values)
    {
        double sum = 0.0;
        for (final float value : values)
        {
            sum += Math.abs(value);
        }
        return sum;
    }
}
