package io.descent.transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Off-heap test payloads. */
public final class Payloads
{
    private Payloads()
    {
    }

    /** @return an off-heap buffer of {@code length} random bytes (seeded). */
    public static UnsafeBuffer random(final int length, final long seed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(length, 1)), 0, length);
        final SplittableRandom random = new SplittableRandom(seed);
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            buffer.putLong(i, random.nextLong());
        }
        for (; i < length; i++)
        {
            buffer.putByte(i, (byte)random.nextInt());
        }
        return buffer;
    }

    /** @return an off-heap buffer of {@code length} bytes all equal to {@code fill}. */
    public static UnsafeBuffer filled(final int length, final byte fill)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Math.max(length, 1)), 0, length);
        buffer.setMemory(0, length, fill);
        return buffer;
    }

    /** @return the first index where the two ranges differ, or -1 when equal. */
    public static long mismatch(final UnsafeBuffer a, final int aOffset, final UnsafeBuffer b, final int bOffset,
        final int length)
    {
        final ByteBuffer x = a.byteBuffer().duplicate().position(a.wrapAdjustment() + aOffset)
            .limit(a.wrapAdjustment() + aOffset + length);
        final ByteBuffer y = b.byteBuffer().duplicate().position(b.wrapAdjustment() + bOffset)
            .limit(b.wrapAdjustment() + bOffset + length);
        return x.mismatch(y);
    }
}
