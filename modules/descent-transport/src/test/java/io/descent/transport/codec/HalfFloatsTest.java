package io.descent.transport.codec;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class HalfFloatsTest
{
    @Test
    void shouldRoundTripEveryFp16ValueExactly()
    {
        for (int bits = 0; bits < 0x1_0000; bits++)
        {
            final float value = HalfFloats.fromFp16((short)bits);
            final int back = HalfFloats.toFp16(value) & 0xFFFF;
            if (Float.isNaN(value))
            {
                assertTrue(Float.isNaN(HalfFloats.fromFp16((short)back)), "NaN " + Integer.toHexString(bits));
                assertEquals(bits & 0x8000, back & 0x8000, "NaN sign " + Integer.toHexString(bits));
            }
            else
            {
                assertEquals(bits, back, "fp16 " + Integer.toHexString(bits) + " = " + value);
            }
        }
    }

    @Test
    void shouldRoundTripEveryBf16ValueExactly()
    {
        for (int bits = 0; bits < 0x1_0000; bits++)
        {
            final float value = HalfFloats.fromBf16((short)bits);
            assertEquals(bits << 16, Float.floatToRawIntBits(value), "bf16 is the upper half of a float32");
            final int back = HalfFloats.toBf16(value) & 0xFFFF;
            if (Float.isNaN(value))
            {
                assertTrue(Float.isNaN(HalfFloats.fromBf16((short)back)), "NaN " + Integer.toHexString(bits));
                assertEquals(bits & 0x8000, back & 0x8000);
            }
            else
            {
                assertEquals(bits, back, "bf16 " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void shouldRoundFp16TiesToEvenAndOtherwiseToNearest()
    {
        // Every pair of neighbouring finite fp16 values of one sign: the midpoint (exact in float32) goes to the even
        // one, the floats just beside it to the nearer one.
        for (int sign = 0; sign <= 0x8000; sign += 0x8000)
        {
            for (int h = 0; h < 0x7BFF; h++)
            {
                final float low = HalfFloats.fromFp16((short)(sign | h));
                final float high = HalfFloats.fromFp16((short)(sign | (h + 1)));
                final float mid = (low + high) / 2;
                assertEquals((double)low + high, 2.0 * mid, 0.0, "midpoint exact");
                final int even = (h & 1) == 0 ? h : h + 1;
                assertEquals(sign | even, HalfFloats.toFp16(mid) & 0xFFFF, "tie between " + low + " and " + high);
                final float towardLow = sign == 0 ? Math.nextDown(mid) : Math.nextUp(mid);
                final float towardHigh = sign == 0 ? Math.nextUp(mid) : Math.nextDown(mid);
                assertEquals(sign | h, HalfFloats.toFp16(towardLow) & 0xFFFF);
                assertEquals(sign | (h + 1), HalfFloats.toFp16(towardHigh) & 0xFFFF);
            }
        }
    }

    @Test
    void shouldRoundBf16TiesToEven()
    {
        for (int h = 0; h < 0x7F7F; h++)
        {
            final int tie = (h << 16) | 0x8000;
            final int even = (h & 1) == 0 ? h : h + 1;
            assertEquals(even, HalfFloats.toBf16(Float.intBitsToFloat(tie)) & 0xFFFF);
            assertEquals(h, HalfFloats.toBf16(Float.intBitsToFloat(tie - 1)) & 0xFFFF);
            assertEquals(h + 1, HalfFloats.toBf16(Float.intBitsToFloat(tie + 1)) & 0xFFFF);
        }
    }

    @Test
    void shouldPickTheNearestValueWithinTheRelativeErrorBound()
    {
        final SplittableRandom random = new SplittableRandom(19);
        for (int i = 0; i < 1_000_000; i++)
        {
            // Normal fp16 range: 2^-14 .. 65504; bf16: every normal float32.
            final float x16 = (float)(Math.scalb(1.0 + random.nextDouble(), random.nextInt(-14, 16)) *
                (random.nextBoolean() ? 1 : -1));
            if (Math.abs(x16) <= 65504f)
            {
                final short h = HalfFloats.toFp16(x16);
                final double error = Math.abs((double)HalfFloats.fromFp16(h) - x16);
                assertTrue(error <= Math.abs((double)x16) * 0x1p-11, "fp16 of " + x16);
                assertNoNeighbourNearer(x16, h, error, true);
            }
            final float x = Float.intBitsToFloat(random.nextInt(0x0080_0000, 0x7F80_0000) |
                (random.nextBoolean() ? 0x8000_0000 : 0));
            final short b = HalfFloats.toBf16(x);
            final double bError = Math.abs((double)HalfFloats.fromBf16(b) - x);
            if (Float.isFinite(HalfFloats.fromBf16(b)))
            {
                assertTrue(bError <= Math.abs((double)x) * 0x1p-8, "bf16 of " + x);
                assertNoNeighbourNearer(x, b, bError, false);
            }
        }
    }

    private static void assertNoNeighbourNearer(final float x, final short h, final double error, final boolean fp16)
    {
        for (int step = -1; step <= 1; step += 2)
        {
            final int neighbour = (h & 0x7FFF) + step;
            if (neighbour < 0 || neighbour >= (fp16 ? 0x7C00 : 0x7F80))
            {
                continue;
            }
            final short n = (short)((h & 0x8000) | neighbour);
            final double other = Math.abs((double)(fp16 ? HalfFloats.fromFp16(n) : HalfFloats.fromBf16(n)) - x);
            if (other < error)
            {
                fail((fp16 ? "fp16" : "bf16") + " of " + x + " is not the nearest value");
            }
        }
    }

    @Test
    void shouldKeepSignedZerosSubnormalsInfinitiesAndNaNs()
    {
        assertEquals(0x0000, HalfFloats.toFp16(0.0f) & 0xFFFF);
        assertEquals(0x8000, HalfFloats.toFp16(-0.0f) & 0xFFFF);
        assertEquals(0x0001, HalfFloats.toFp16(0x1p-24f) & 0xFFFF, "smallest subnormal");
        assertEquals(0x0000, HalfFloats.toFp16(0x1p-25f) & 0xFFFF, "half of it ties to the even zero");
        assertEquals(0x0001, HalfFloats.toFp16(Math.nextUp(0x1p-25f)) & 0xFFFF);
        assertEquals(0x03FF, HalfFloats.toFp16(0x3FFp-24f) & 0xFFFF, "largest subnormal");
        assertEquals(0x0400, HalfFloats.toFp16(0x1p-14f) & 0xFFFF, "smallest normal");
        assertEquals(0x0000, HalfFloats.toFp16(Float.MIN_VALUE) & 0xFFFF, "a float32 subnormal is below fp16's");
        assertEquals(0x7BFF, HalfFloats.toFp16(65504f) & 0xFFFF);
        assertEquals(0x7BFF, HalfFloats.toFp16(Math.nextDown(65520f)) & 0xFFFF);
        assertEquals(0x7C00, HalfFloats.toFp16(65520f) & 0xFFFF, "the tie above the largest rounds to infinity");
        assertEquals(0xFC00, HalfFloats.toFp16(-1e9f) & 0xFFFF);
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fromFp16(HalfFloats.toFp16(Float.POSITIVE_INFINITY)));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.fromFp16(HalfFloats.toFp16(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(HalfFloats.fromFp16(HalfFloats.toFp16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloats.fromFp16(HalfFloats.toFp16(Float.intBitsToFloat(0x7F80_0001)))),
            "a NaN whose payload is below fp16's precision stays a NaN");

        assertEquals(0x8000, HalfFloats.toBf16(-0.0f) & 0xFFFF);
        assertEquals(Float.MIN_VALUE * 0, HalfFloats.fromBf16(HalfFloats.toBf16(Float.MIN_VALUE)), 0.0f);
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fromBf16(HalfFloats.toBf16(Float.MAX_VALUE)),
            "float32's largest rounds up past bf16's");
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.fromBf16(HalfFloats.toBf16(Float.NEGATIVE_INFINITY)));
        assertTrue(Float.isNaN(HalfFloats.fromBf16(HalfFloats.toBf16(Float.intBitsToFloat(0x7F80_0001)))),
            "a NaN whose payload is in the dropped half stays a NaN");
        assertTrue(Float.isNaN(HalfFloats.fromBf16(HalfFloats.toBf16(Float.intBitsToFloat(0xFFFF_FFFF)))));
    }

    @Test
    void shouldRoundToFp16AsTheBitByBitReferenceOnEveryExponentAndRoundingCase()
    {
        // Every sign, exponent and kept mantissa (the float32's top 19 bits) with dropped bits at each rounding case:
        // zero, just above zero, just below, at and just above the tie, the largest, and one varying pattern.
        final int[] dropped = { 0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF, 0x0A5A };
        for (int top = 0; top < (1 << 19); top++)
        {
            for (final int low : dropped)
            {
                final int bits = (top << 13) | low;
                final float value = Float.intBitsToFloat(bits);
                if (HalfFloats.toFp16(value) != referenceFp16(bits))
                {
                    fail("fp16 of float bits " + Integer.toHexString(bits) + ": " +
                        Integer.toHexString(HalfFloats.toFp16(value) & 0xFFFF) + ", the reference gives " +
                        Integer.toHexString(referenceFp16(bits) & 0xFFFF));
                }
            }
        }
    }

    /** Float32 to binary16 written out case by case: sign, exponent ranges, the dropped bits rounded to even. */
    private static short referenceFp16(final int bits)
    {
        final int sign = (bits >>> 16) & 0x8000;
        final int exponent = (bits >>> 23) & 0xFF;
        final int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF)
        {
            return (short)(sign | 0x7C00 | (mantissa != 0 ? 0x0200 | (mantissa >>> 13) : 0));
        }
        final int unbiased = exponent - 127;
        if (unbiased > 15)
        {
            return (short)(sign | 0x7C00);
        }
        if (unbiased >= -14)
        {
            return (short)(sign | roundEven(((unbiased + 15) << 10) | (mantissa >>> 13), mantissa & 0x1FFF, 13));
        }
        if (unbiased < -25)
        {
            return (short)sign;
        }
        final int full = mantissa | 0x80_0000;
        final int shift = -unbiased - 14 + 13;
        return (short)(sign | roundEven(full >>> shift, full & ((1 << shift) - 1), shift));
    }

    private static int roundEven(final int kept, final int dropped, final int width)
    {
        final int halfway = 1 << (width - 1);
        return dropped > halfway || (dropped == halfway && (kept & 1) != 0) ? kept + 1 : kept;
    }
}
