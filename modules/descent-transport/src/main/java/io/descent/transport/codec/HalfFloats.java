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
        final int magnitude = bits & 0x7FFF_FFFF;
        if (magnitude >= 0x4780_0000)
        {
            // 65536 and above, infinities and NaNs: rare, done the long way.
            return toFp16Overflow(bits);
        }
        final int sign = (bits >>> 16) & 0x8000;
        if (magnitude < 0x3880_0000)
        {
            // Below 2^-14 (subnormal in binary16, or zero): adding 0.5 puts the value in the mantissa of a float32 whose
            // last place is 2^-24, binary16's subnormal step, and the float32 addition rounds to nearest even, exactly
            // as wanted (a carry into 2^-14 gives the smallest normal). Subtracting 0.5's bits leaves the count of steps.
            return (short)(sign | (Float.floatToRawIntBits(Float.intBitsToFloat(magnitude) + 0.5f) - 0x3F00_0000));
        }
        // Normal in binary16: rebias the exponent (-112 << 23) and round the 13 dropped mantissa bits to nearest even
        // by adding 0xFFF plus the lowest kept bit; a carry out of the mantissa moves into the exponent, up to infinity,
        // which is exactly right (F. Giesen's float_to_half_fast3_rtne).
        return (short)(sign | ((magnitude - (112 << 23) + 0xFFF + ((magnitude >>> 13) & 1)) >>> 13));
    }

    /** {@link #toFp16} of a float32 at or above 65536 in magnitude: infinity, or a NaN kept a (quiet) NaN. */
    private static short toFp16Overflow(final int bits)
    {
        final int sign = (bits >>> 16) & 0x8000;
        final int mantissa = bits & 0x7F_FFFF;
        if ((bits & 0x7F80_0000) == 0x7F80_0000 && mantissa != 0)
        {
            // A NaN stays a (quiet) NaN whatever its payload.
            return (short)(sign | 0x7C00 | 0x0200 | (mantissa >>> 13));
        }
        return (short)(sign | 0x7C00);
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
