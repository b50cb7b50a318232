package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

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
        if (compression == Compression.FP16)
        {
            for (int i = 0; i < floats; i++)
            {
                dst.putShort(i << 1, HalfFloats.toFp16(gradient.getFloat(byteOffset + (i << 2), LITTLE_ENDIAN)),
                    LITTLE_ENDIAN);
            }
        }
        else
        {
            for (int i = 0; i < floats; i++)
            {
                dst.putShort(i << 1, HalfFloats.toBf16(gradient.getFloat(byteOffset + (i << 2), LITTLE_ENDIAN)),
                    LITTLE_ENDIAN);
            }
        }
        return floats * Short.BYTES;
    }

    /** Nothing is carried between steps. */
    @Override
    public void reset()
    {
    }
}
