package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Adds a range written by {@link HalfEncoder} into a float32 sum, widening each value exactly and computing
 * {@code sum + weight · value} in float32 (the arithmetic of a float32 {@code axpy}), in increasing index order.
 * Stateless; any thread, one call at a time per sum.
 */
public final class HalfDecoder implements GradientDecoder
{
    /** Every binary16 value as a float32, by its bits. */
    private static final float[] FP16_VALUES = new float[1 << 16];

    static
    {
        for (int bits = 0; bits < FP16_VALUES.length; bits++)
        {
            FP16_VALUES[bits] = HalfFloats.fromFp16((short)bits);
        }
    }

    private final Compression compression;

    /**
     * @param compression {@link Compression#FP16} or {@link Compression#BF16}.
     * @throws IllegalArgumentException for another compression.
     */
    public HalfDecoder(final Compression compression)
    {
        if (compression != Compression.FP16 && compression != Compression.BF16)
        {
            throw new IllegalArgumentException("HalfDecoder reads fp16 or bf16, not " + compression.label());
        }
        this.compression = compression;
    }

    @Override
    public Compression compression()
    {
        return compression;
    }

    /** {@inheritDoc} Malformed when {@code encodedBytes != 2 · floats}. */
    @Override
    public boolean accumulate(
        final DirectBuffer encoded, final int encodedBytes, final MutableDirectBuffer sum, final int floats,
        final float weight, final boolean first)
    {
        if (encodedBytes != floats * Short.BYTES || floats < 0)
        {
            return false;
        }
        encoded.boundsCheck(0, floats * Short.BYTES);
        sum.boundsCheck(0, floats * Float.BYTES);
        if (!RawAccess.LITTLE_ENDIAN_NATIVE)
        {
            accumulatePortably(encoded, sum, floats, weight, first);
            return true;
        }
        // Bounds checked once above: the loops read and write memory directly (several times faster). fp16 widens
        // through a table of all 65,536 values; bf16 is the upper half of a float32.
        final byte[] inArray = encoded.byteArray();
        final long in = encoded.addressOffset();
        final byte[] sumArray = sum.byteArray();
        final long out = sum.addressOffset();
        if (compression == Compression.FP16)
        {
            final float[] table = FP16_VALUES;
            if (first)
            {
                for (int i = 0; i < floats; i++)
                {
                    UnsafeApi.putFloat(sumArray, out + ((long)i << 2),
                        weight * table[UnsafeApi.getShort(inArray, in + ((long)i << 1)) & 0xFFFF]);
                }
            }
            else
            {
                for (int i = 0; i < floats; i++)
                {
                    final long at = out + ((long)i << 2);
                    UnsafeApi.putFloat(sumArray, at, UnsafeApi.getFloat(sumArray, at) +
                        weight * table[UnsafeApi.getShort(inArray, in + ((long)i << 1)) & 0xFFFF]);
                }
            }
        }
        else if (first)
        {
            for (int i = 0; i < floats; i++)
            {
                UnsafeApi.putFloat(sumArray, out + ((long)i << 2),
                    weight * HalfFloats.fromBf16(UnsafeApi.getShort(inArray, in + ((long)i << 1))));
            }
        }
        else
        {
            for (int i = 0; i < floats; i++)
            {
                final long at = out + ((long)i << 2);
                UnsafeApi.putFloat(sumArray, at, UnsafeApi.getFloat(sumArray, at) +
                    weight * HalfFloats.fromBf16(UnsafeApi.getShort(inArray, in + ((long)i << 1))));
            }
        }
        return true;
    }

    /** {@inheritDoc} Malformed when {@code encodedBytes != 2 · floats}. */
    @Override
    public double squares(final DirectBuffer encoded, final int encodedBytes, final int floats)
    {
        if (encodedBytes != floats * Short.BYTES || floats < 0)
        {
            return Double.NaN;
        }
        encoded.boundsCheck(0, floats * Short.BYTES);
        final boolean fp16 = compression == Compression.FP16;
        final boolean raw = RawAccess.LITTLE_ENDIAN_NATIVE;
        // Bounds checked once above: read memory directly, as accumulate does.
        final byte[] inArray = encoded.byteArray();
        final long in = encoded.addressOffset();
        double squares = 0.0;
        for (int i = 0; i < floats; i++)
        {
            final short bits = raw ? UnsafeApi.getShort(inArray, in + ((long)i << 1)) :
                encoded.getShort(i << 1, LITTLE_ENDIAN);
            final double value = fp16 ? FP16_VALUES[bits & 0xFFFF] : HalfFloats.fromBf16(bits);
            squares += value * value;
        }
        // Squares of finite halves never overflow a double's sum: NaN here means a NaN value.
        return Double.isNaN(squares) ? Double.POSITIVE_INFINITY : squares;
    }

    /** The same through the buffers' little-endian accessors, for a big-endian platform. */
    private void accumulatePortably(
        final DirectBuffer encoded, final MutableDirectBuffer sum, final int floats, final float weight,
        final boolean first)
    {
        final boolean fp16 = compression == Compression.FP16;
        for (int i = 0; i < floats; i++)
        {
            final short bits = encoded.getShort(i << 1, LITTLE_ENDIAN);
            final float value = fp16 ? HalfFloats.fromFp16(bits) : HalfFloats.fromBf16(bits);
            final int at = i << 2;
            sum.putFloat(at, first ? weight * value : sum.getFloat(at, LITTLE_ENDIAN) + weight * value, LITTLE_ENDIAN);
        }
    }
}
