package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/** Test helpers: float arrays to and from little-endian direct buffers, and a sum buffer with guard floats. */
final class Codecs
{
    /** Floats written after the sum's range (and before it, in the backing buffer) to catch stray writes. */
    static final int GUARD = 16;
    static final float GUARD_VALUE = -12345.5f;

    private Codecs()
    {
    }

    static UnsafeBuffer buffer(final int bytes)
    {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(bytes));
    }

    static UnsafeBuffer floats(final float[] values)
    {
        final UnsafeBuffer buffer = buffer(Math.max(1, values.length) * Float.BYTES);
        put(buffer, values);
        return buffer;
    }

    static void put(final UnsafeBuffer buffer, final float[] values)
    {
        for (int i = 0; i < values.length; i++)
        {
            buffer.putFloat(i << 2, values[i], LITTLE_ENDIAN);
        }
    }

    static float[] get(final UnsafeBuffer buffer, final int floats)
    {
        final float[] values = new float[floats];
        for (int i = 0; i < floats; i++)
        {
            values[i] = buffer.getFloat(i << 2, LITTLE_ENDIAN);
        }
        return values;
    }

    /** A sum of {@code floats} with {@link #GUARD} guard floats on each side in the backing memory. */
    static final class GuardedSum
    {
        final UnsafeBuffer backing;
        final UnsafeBuffer sum;
        final int floats;

        GuardedSum(final int floats)
        {
            this.floats = floats;
            backing = buffer((floats + 2 * GUARD) * Float.BYTES);
            for (int i = 0; i < floats + 2 * GUARD; i++)
            {
                backing.putFloat(i << 2, GUARD_VALUE, LITTLE_ENDIAN);
            }
            // The view reaches past the range into the upper guard, so a write beyond floats lands there.
            sum = new UnsafeBuffer(backing, GUARD * Float.BYTES, (floats + GUARD) * Float.BYTES);
        }

        float[] values()
        {
            return get(sum, floats);
        }

        boolean guardsIntact()
        {
            for (int i = 0; i < GUARD; i++)
            {
                if (backing.getFloat(i << 2, LITTLE_ENDIAN) != GUARD_VALUE ||
                    backing.getFloat((GUARD + floats + i) << 2, LITTLE_ENDIAN) != GUARD_VALUE)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
