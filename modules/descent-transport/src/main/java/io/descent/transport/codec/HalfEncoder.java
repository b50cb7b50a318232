package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Writes a gradient range as 16-bit values, {@link Compression#FP16} or {@link Compression#BF16} (little-endian, one
 * per float, in order: {@code 2 · floats} bytes), rounding to nearest even ({@link HalfFloats}). Stateless; confined
 * to one thread like every encoder.
 */
public final class HalfEncoder implements GradientEncoder
{
    private final Compression compression;
    private final int floats;

    /**
     * @param compression {@link Compression#FP16} or {@link Compression#BF16}.
     * @param floats      the range's length in floats.
     * @throws IllegalArgumentException for another compression or a negative length.
     */
    public HalfEncoder(final Compression compression, final int floats)
    {
        if (compression != Compression.FP16 && compression != Compression.BF16)
        {
            throw new IllegalArgumentException("HalfEncoder writes fp16 or bf16, not " + compression.label());
        }
        if (floats < 0)
        {
            throw new IllegalArgumentException("floats must be non-negative: " + floats);
        }
        this.compression = compression;
        this.floats = floats;
    }

    @Override
    public Compression compression()
    {
        return compression;
    }

    @Override
    public int floats()
    {
        return floats;
    }

    @Override
    public int maxEncodedBytes()
    {
        return floats * Short.BYTES;
    }

    @Override
    public int encode(final DirectBuffer gradient, final int byteOffset, final MutableDirectBuffer dst)
    {
        encode(gradient, byteOffset, dst, 0, floats);
        return floats * Short.BYTES;
    }

    /** {@inheritDoc} Yes: two bytes a value, in order. */
    @Override
    public boolean encodesInPieces()
    {
        return true;
    }

    @Override
    public int bytesFor(final int values)
    {
        return values * Short.BYTES;
    }

    /**
     * Encodes values {@code [from, to)} of the range only, into their place in {@code dst} (bytes {@code 2 · from} to
     * {@code 2 · to}): what {@link #encode(DirectBuffer, int, MutableDirectBuffer)} writes there, so a message may be
     * encoded in pieces (e.g. while its first chunks are already being sent).
     *
     * @param gradient   the gradient; read only.
     * @param byteOffset where the range starts in it, in bytes.
     * @param dst        where the range's encoding goes, from offset 0.
     * @param from       the first value to encode, in {@code [0, floats()]}.
     * @param to         one past the last, in {@code [from, floats()]}.
     * @throws IndexOutOfBoundsException when the values or their encoding lie outside the buffers.
     */
    @Override
    public void encode(
        final DirectBuffer gradient, final int byteOffset, final MutableDirectBuffer dst, final int from, final int to)
    {
        if (from < 0 || to < from || to > floats)
        {
            throw new IndexOutOfBoundsException("values [" + from + ", " + to + ") of a range of " + floats);
        }
        gradient.boundsCheck(byteOffset + from * Float.BYTES, (to - from) * Float.BYTES);
        dst.boundsCheck(from * Short.BYTES, (to - from) * Short.BYTES);
        if (!RawAccess.LITTLE_ENDIAN_NATIVE)
        {
            encodePortably(gradient, byteOffset, dst, from, to);
            return;
        }
        // Bounds checked once above: the loop reads and writes memory directly (several times faster).
        final byte[] inArray = gradient.byteArray();
        final long in = gradient.addressOffset() + byteOffset;
        final byte[] outArray = dst.byteArray();
        final long out = dst.addressOffset();
        if (compression == Compression.FP16)
        {
            for (int i = from; i < to; i++)
            {
                UnsafeApi.putShort(outArray, out + ((long)i << 1),
                    HalfFloats.toFp16(UnsafeApi.getFloat(inArray, in + ((long)i << 2))));
            }
        }
        else
        {
            for (int i = from; i < to; i++)
            {
                UnsafeApi.putShort(outArray, out + ((long)i << 1),
                    HalfFloats.toBf16(UnsafeApi.getFloat(inArray, in + ((long)i << 2))));
            }
        }
    }

    /** The same through the buffers' little-endian accessors, for a big-endian platform. */
    private void encodePortably(
        final DirectBuffer gradient, final int byteOffset, final MutableDirectBuffer dst, final int from, final int to)
    {
        final boolean fp16 = compression == Compression.FP16;
        for (int i = from; i < to; i++)
        {
            final float value = gradient.getFloat(byteOffset + (i << 2), LITTLE_ENDIAN);
            dst.putShort(i << 1, fp16 ? HalfFloats.toFp16(value) : HalfFloats.toBf16(value), LITTLE_ENDIAN);
        }
    }

    /** Nothing is carried between steps. */
    @Override
    public void reset()
    {
    }
}
