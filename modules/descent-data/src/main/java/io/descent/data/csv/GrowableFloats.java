package io.descent.data.csv;

import java.util.Arrays;

/**
 * An append-only float list without boxing. Not thread-safe.
 */
final class GrowableFloats
{
    private float[] values = new float[1024];
    private int size;

    void add(final float value)
    {
        if (size == values.length)
        {
            values = Arrays.copyOf(values, Math.multiplyExact(size, 2));
        }
        values[size++] = value;
    }

    float[] toArray()
    {
        return Arrays.copyOf(values, size);
    }
}
