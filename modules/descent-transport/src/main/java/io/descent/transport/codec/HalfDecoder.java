package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Adds a range written by {@link HalfEncoder} into a float32 sum, widening each value exactly and computing
 * {@code sum + weight · value} in float32 (the arithmetic of a float32 {@code axpy}), in increasing index order.
 * Stateless; any thread, one call at a time per sum.
 */
public final class HalfDecoder implements GradientDecoder
{
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
        final boolean fp16 = compression == Compression.FP16;
        for (int i = 0; i < floats; i++)
        {
            final short bits = encoded.getShort(i << 1, LITTLE_ENDIAN);
            final float value = fp16 ? HalfFloats.fromFp16(bits) : HalfFloats.fromBf16(bits);
            final int at = i << 2;
            sum.putFloat(at, first ? weight * value : sum.getFloat(at, LITTLE_ENDIAN) + weight * value, LITTLE_ENDIAN);
        }
        return true;
    }
}
