package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdCodecTest
{
    /** τ pinned to 1 (min = max = initial), so a test can predict every quantum. */
    private static final ThresholdSettings TAU_ONE = new ThresholdSettings(0.01, 1.0, 1.0, 1.0);

    private final ThresholdDecoder decoder = new ThresholdDecoder();
    private final ThresholdChecks checks = new ThresholdChecks();

    @Test
    void shouldConserveMassWithErrorFeedback()
    {
        final int n = 5000;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, ThresholdSettings.DEFAULTS);
        final UnsafeBuffer gradient = Codecs.buffer(n * Float.BYTES);
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final Codecs.GuardedSum step = new Codecs.GuardedSum(n);
        final double[] gradients = new double[n];
        final double[] decoded = new double[n];
        final double[] scale = new double[n];
        final SplittableRandom random = new SplittableRandom(7);
        for (int t = 0; t < 60; t++)
        {
            final float[] g = gaussian(random, n, t < 30 ? 1e-2 : 1e-3);
            Codecs.put(gradient, g);
            final int length = encoder.encode(gradient, 0, message);
            assertTrue(decoder.accumulate(message, length, step.sum, n, 1.0f, true));
            final float[] values = step.values();
            for (int i = 0; i < n; i++)
            {
                gradients[i] += g[i];
                decoded[i] += values[i];
                scale[i] += Math.abs(g[i]) + encoder.tau();
            }
        }
        for (int i = 0; i < n; i++)
        {
            // Two float roundings a step (r + g, r ∓ τ), each at most 2^-24 of what was added: 1e-6 is ample, and
            // far below one lost quantum.
            assertEquals(gradients[i], decoded[i] + encoder.residual(i), 1e-6 * scale[i], "element " + i);
        }
    }

    @Test
    void shouldHoldAnElementBelowTauUntilItsResidualAccumulates()
    {
        final int n = 64;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        g[5] = 0.3f;
        g[40] = -0.45f;
        final float[][] sums = new float[5][];
        for (int t = 0; t < sums.length; t++)
        {
            sums[t] = checks.roundTrip(encoder, g);
        }
        for (int t = 0; t < 3; t++)
        {
            assertEquals(0.0f, sums[t][5], "step " + t + ": 0.3 × " + (t + 1) + " < τ");
        }
        assertEquals(1.0f, sums[3][5], "0.3 × 4 ≥ τ");
        assertEquals(0.0f, sums[4][5], "0.2 + 0.3 < τ");
        assertEquals(0.5f, encoder.residual(5), 1e-6f);
        assertEquals(0.0f, sums[0][40]);
        assertEquals(0.0f, sums[1][40], "0.9 < τ");
        assertEquals(-1.0f, sums[2][40], "1.35 ≥ τ");
        assertEquals(0.0f, sums[3][40], "0.35 + 0.45 < τ");
        assertEquals(-1.0f, sums[4][40], "1.25 ≥ τ");
        assertEquals(-0.25f, encoder.residual(40), 1e-6f);
    }

    @Test
    void shouldSendOneQuantumPerStepForALargeElement()
    {
        final int n = 64;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        g[9] = 3.5f;
        g[10] = -2.0f;
        final float[] zero = new float[n];
        assertEquals(1.0f, checks.roundTrip(encoder, g)[9]);
        assertEquals(2.5f, encoder.residual(9));
        assertEquals(1.0f, checks.roundTrip(encoder, zero)[9]);
        assertEquals(1.0f, checks.roundTrip(encoder, zero)[9]);
        assertEquals(0.5f, encoder.residual(9));
        assertEquals(0.0f, checks.roundTrip(encoder, zero)[9]);
        assertEquals(0.5f, encoder.residual(9));
        assertEquals(0.0f, encoder.residual(10), "-2 went out as two quanta of -1");
    }

    @Test
    void shouldRoundTripBothModesAndPickTheSmaller()
    {
        assertEquals(251, ThresholdFormat.bitmapBytes(1001));
        assertEquals(62, ThresholdFormat.indexCapacity(1001));
        // One block, and several blocks of the encoder's pass (the spill into the bitmap then lands in a later one).
        for (final int n : new int[]{ 1001, 3 * ThresholdEncoder.BLOCK + 17 })
        {
            final int capacity = ThresholdFormat.indexCapacity(n);
            for (final int passing : new int[]{ 0, 1, capacity, capacity + 1, n / 3, n })
            {
                assertRoundTrip(n, passing);
            }
        }
    }

    @Test
    void shouldSpillIndicesThatReachTheBitmapsLastPartialWord()
    {
        // 1001 elements: the bitmap's last 3 bytes hold elements 992..1000; 63 passing at the end spill at 1000.
        final int n = 1001;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        final float[] expected = new float[n];
        for (int i = n - 63; i < n; i++)
        {
            g[i] = i % 3 == 0 ? -1.0f : 1.0f;
            expected[i] = g[i];
        }
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, message);
        assertEquals(ThresholdFormat.MODE_BITMAP, message.getByte(ThresholdFormat.MODE_OFFSET));
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true));
        assertArrayEquals(expected, sum.values());
        assertTrue(sum.guardsIntact());
    }

    private void assertRoundTrip(final int n, final int passing)
    {
        final int bitmapBytes = ThresholdFormat.bitmapBytes(n);
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        assertEquals(ThresholdFormat.HEADER_LENGTH + bitmapBytes, encoder.maxEncodedBytes());
        final float[] g = new float[n];
        final float[] expected = new float[n];
        // Spread over the range (first and last included), alternating signs, so a spill lands mid-pass.
        for (int k = 0; k < passing; k++)
        {
            final int i = passing == 1 ? n - 1 : (int)((long)k * (n - 1) / Math.max(1, passing - 1));
            g[i] = k % 2 == 0 ? 2.5f : -1.0f;
            expected[i] = k % 2 == 0 ? 1.0f : -1.0f;
        }
        final String what = n + " floats, " + passing + " passing";
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, message);
        final boolean indices = 4 * passing <= bitmapBytes;
        assertEquals(indices ? ThresholdFormat.MODE_INDICES : ThresholdFormat.MODE_BITMAP,
            message.getByte(ThresholdFormat.MODE_OFFSET), what);
        assertEquals(ThresholdFormat.HEADER_LENGTH + (indices ? 4 * passing : bitmapBytes), length, what);
        assertEquals(passing, encoder.lastSent(), what);
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true), what);
        assertArrayEquals(expected, sum.values(), what);
        assertTrue(sum.guardsIntact(), what);
        for (int i = 0; i < n; i++)
        {
            assertEquals(g[i] - expected[i], encoder.residual(i), what + ": residual " + i);
        }
    }

    @Test
    void shouldCarryTheTauInTheMessageAndReportDensity()
    {
        final int n = 100;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, new ThresholdSettings(0.05, 0.5, 0.5, 0.5));
        final float[] g = new float[n];
        g[1] = 0.75f;
        g[2] = -0.5f;
        g[3] = 0.49f;
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, message);
        assertEquals(0.5f, message.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN));
        assertEquals(0.5f, encoder.tau());
        assertEquals(2, encoder.lastSent(), "|r| ≥ τ passes, 0.49 does not");
        assertEquals(0.02, encoder.lastDensity());
        assertEquals(ThresholdFormat.HEADER_LENGTH + 8, length);
        assertEquals(Math.sqrt(0.25 * 0.25 + 0.49 * 0.49), encoder.residualNorm(), 1e-6);
    }

    @Test
    void shouldEncodeAtAnOffsetInsideALargerGradient()
    {
        final int n = 50;
        final float[] whole = new float[n + 30];
        whole[30 + 4] = 1.5f;
        whole[3] = 9.0f;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(whole), 30 * Float.BYTES, message);
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, true));
        final float[] expected = new float[n];
        expected[4] = 1.0f;
        assertArrayEquals(expected, sum.values());
    }

    @Test
    void shouldReadAHeapGradientLikeADirectOne()
    {
        final int n = ThresholdEncoder.BLOCK + 300;
        final float[] g = gaussian(new SplittableRandom(4), n, 1e-2);
        final UnsafeBuffer direct = Codecs.floats(g);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[n * Float.BYTES + 12], 12, n * Float.BYTES);
        heap.putBytes(0, direct, 0, n * Float.BYTES);
        final ThresholdSettings settings = new ThresholdSettings(0.05, 1e-2, 1e-8, 1.0);
        final ThresholdEncoder fromDirect = new ThresholdEncoder(n, settings);
        final ThresholdEncoder fromHeap = new ThresholdEncoder(n, settings);
        final UnsafeBuffer a = Codecs.buffer(fromDirect.maxEncodedBytes());
        final UnsafeBuffer b = Codecs.buffer(fromHeap.maxEncodedBytes());
        final int length = fromDirect.encode(direct, 0, a);
        assertEquals(length, fromHeap.encode(heap, 0, b));
        assertTrue(fromDirect.lastSent() > 0);
        assertEquals(0, a.compareTo(b), "same bytes");
    }

    @Test
    void shouldOverwriteWhenFirstAndScaleByWeight()
    {
        final int n = 40;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, TAU_ONE);
        final float[] g = new float[n];
        g[0] = 1.0f;
        g[39] = -1.0f;
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(g), 0, message);
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        final float[] garbage = new float[n];
        Arrays.fill(garbage, 7.0f);
        Codecs.put(sum.sum, garbage);

        assertTrue(decoder.accumulate(message, length, sum.sum, n, 0.25f, true));
        final float[] expected = new float[n];
        expected[0] = 0.25f;
        expected[39] = -0.25f;
        assertArrayEquals(expected, sum.values(), "first overwrites every element, listed or not");

        assertTrue(decoder.accumulate(message, length, sum.sum, n, 2.0f, false));
        expected[0] = 2.25f;
        expected[39] = -2.25f;
        assertArrayEquals(expected, sum.values(), "then adds weight · (±τ)");
        assertTrue(sum.guardsIntact());
    }

    @Test
    void shouldEncodeBitwiseTheSameTwice()
    {
        final int n = 20_000;
        final ThresholdSettings settings = new ThresholdSettings(0.01, 1e-3, 1e-8, 10.0);
        final ThresholdEncoder a = new ThresholdEncoder(n, settings);
        final ThresholdEncoder b = new ThresholdEncoder(n, settings);
        final SplittableRandom random = new SplittableRandom(3);
        final UnsafeBuffer first = Codecs.buffer(a.maxEncodedBytes());
        final UnsafeBuffer second = Codecs.buffer(b.maxEncodedBytes());
        boolean sawBitmap = false;
        for (int t = 0; t < 30; t++)
        {
            // A jump in scale at step 10 makes some steps dense enough for the bitmap.
            final UnsafeBuffer gradient = Codecs.floats(gaussian(random, n, t < 10 ? 1e-4 : 1e-1));
            final int lengthA = a.encode(gradient, 0, first);
            final int lengthB = b.encode(gradient, 0, second);
            assertEquals(lengthA, lengthB, "step " + t);
            for (int k = 0; k < lengthA; k++)
            {
                assertEquals(first.getByte(k), second.getByte(k), "step " + t + " byte " + k);
            }
            sawBitmap |= first.getByte(ThresholdFormat.MODE_OFFSET) == ThresholdFormat.MODE_BITMAP;
        }
        assertTrue(sawBitmap, "the stream exercised the bitmap too");
    }

    @Test
    void shouldStartAgainAfterReset()
    {
        final int n = 64;
        final ThresholdEncoder encoder = new ThresholdEncoder(n, new ThresholdSettings(0.01, 0.5, 0.01, 1.0));
        final float[] g = new float[n];
        g[3] = 5.0f;
        checks.roundTrip(encoder, g);
        encoder.reset();
        assertEquals(0.0, encoder.residualNorm());
        assertEquals(0.5f, encoder.tau());
    }

    static float[] gaussian(final SplittableRandom random, final int n, final double sigma)
    {
        final float[] values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (float)(sigma * gaussian(random));
        }
        return values;
    }

    static double gaussian(final SplittableRandom random)
    {
        // Box–Muller, so the stream depends only on the seed.
        final double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * random.nextDouble());
    }
}
