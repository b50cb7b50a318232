package io.descent.transport.codec;

/**
 * Conversions between float32 and the two 16-bit formats, IEEE 754 binary16 ({@code fp16}) and bfloat16
 * ({@code bf16}), rounding to nearest, ties to even. Zeros keep their sign, subnormals are produced and read exactly,
 * values beyond the format's largest finite one round to infinity, and a NaN stays a NaN (quiet, sign kept), so a
 * gradient that is not finite is still not finite after a round trip. Pure functions; any thread.
 */
public final class HalfFloats
{
    private HalfFloats()
    {
    }

    /**
     * @param value a float32.
     * @return its binary16 bits (in the low 16 bits), rounded to nearest even.
     */
    public static short toFp16(final float value)
    {
        final int bits = Float.floatToRawIntBits(value);
        final int sign = (bits >>> 16) & 0x8000;
        final int exponent = (bits >>> 23) & 0xFF;
        final int mantissa = bits & 0x7F_FFFF;
        if (exponent == 0xFF)
        {
            // Infinity stays infinity; a NaN stays a (quiet) NaN whatever its payload.
            return (short)(sign | 0x7C00 | (mantissa != 0 ? 0x0200 | (mantissa >>> 13) : 0));
        }
        final int unbiased = exponent - 127;
        if (unbiased > 15)
        {
            return (short)(sign | 0x7C00);
        }
        if (unbiased >= -14)
        {
            // Normal in binary16: keep 10 mantissa bits, round the 13 dropped ones to nearest even. A carry out of the
            // mantissa moves into the exponent, up to infinity, which is exactly right.
            final int half = ((unbiased + 15) << 10) | (mantissa >>> 13);
            return (short)(sign | roundEven(half, mantissa & 0x1FFF, 13));
        }
        if (unbiased < -25)
        {
            // Below half the smallest subnormal (2^-25): rounds to zero. Exactly 2^-25 is a tie to the even zero.
            return (short)sign;
        }
        // Subnormal in binary16: the value is m · 2^-24 with m = full mantissa (implicit 1) >> shift.
        final int full = mantissa | 0x80_0000;
        final int shift = -unbiased - 14 + 13;
        final int half = full >>> shift;
        return (short)(sign | roundEven(half, full & ((1 << shift) - 1), shift));
    }

    /**
     * @param half binary16 bits in the low 16 bits.
     * @return the float32 of exactly that value.
     */
    public static float fromFp16(final short half)
    {
        final int h = half & 0xFFFF;
        final int sign = (h & 0x8000) << 16;
        final int exponent = (h >>> 10) & 0x1F;
        final int mantissa = h & 0x03FF;
        if (exponent == 0x1F)
        {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
        }
        if (exponent == 0)
        {
            // Zero or subnormal: m · 2^-24, exact in float32.
            final float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /**
     * @param value a float32.
     * @return its bfloat16 bits (in the low 16 bits): the upper half of the float32, rounded to nearest even.
     */
    public static short toBf16(final float value)
    {
        final int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x7F_FFFF) != 0)
        {
            // A NaN: keep it a quiet NaN (rounding could carry its payload into infinity or lose it).
            return (short)((bits >>> 16) | 0x0040);
        }
        return (short)(roundEven(bits >>> 16, bits & 0xFFFF, 16));
    }

    /**
     * @param bf16 bfloat16 bits in the low 16 bits.
     * @return the float32 of exactly that value.
     */
    public static float fromBf16(final short bf16)
    {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /**
     * @param kept    the bits kept, already shifted down.
     * @param dropped the bits dropped (the low {@code width} bits of the original).
     * @param width   how many bits were dropped (at least 1).
     * @return {@code kept} rounded to nearest by {@code dropped}, ties to the even {@code kept}.
     */
    private static int roundEven(final int kept, final int dropped, final int width)
    {
        final int halfway = 1 << (width - 1);
        if (dropped > halfway || (dropped == halfway && (kept & 1) != 0))
        {
            return kept + 1;
        }
        return kept;
    }
}
