package io.descent.cluster.dataplane;

import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Bridges ND4J arrays to Agrona buffers without copying. Stateless. */
public final class Buffers
{
    private Buffers()
    {
    }

    /**
     * An Agrona view of a contiguous float32 vector's off-heap memory: writes through it change the array.
     *
     * @param vector a contiguous float32 array (e.g. a model's flat parameters or gradients), not a strided view.
     * @return a buffer over its {@code 4 * length} bytes; valid while the array is alive (the caller keeps it).
     * @throws IllegalArgumentException for another type or a non-contiguous array.
     */
    public static UnsafeBuffer view(final INDArray vector)
    {
        if (vector.dataType() != DataType.FLOAT || vector.elementWiseStride() != 1 || vector.isView())
        {
            throw new IllegalArgumentException("need a contiguous float32 vector that owns its buffer, got " +
                vector.dataType() + " ews=" + vector.elementWiseStride() + " view=" + vector.isView());
        }
        final long bytes = vector.length() * Float.BYTES;
        if (bytes > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("vector of " + vector.length() + " floats exceeds 2 GiB");
        }
        return new UnsafeBuffer(vector.data().address(), (int)bytes);
    }

    /**
     * An Agrona view of floats {@code [offset, offset + floats)} of a contiguous float32 vector ({@link #view}).
     *
     * @param vector a contiguous float32 array that owns its buffer.
     * @param offset the first float.
     * @param floats how many.
     * @return a buffer over those {@code 4 * floats} bytes; valid while the array is alive.
     */
    public static UnsafeBuffer range(final INDArray vector, final long offset, final int floats)
    {
        final UnsafeBuffer whole = view(vector);
        if (offset < 0 || floats < 0 || offset + floats > vector.length())
        {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + floats) + ") is outside a " +
                "vector of " + vector.length() + " floats");
        }
        return new UnsafeBuffer(whole.addressOffset() + offset * Float.BYTES, floats * Float.BYTES);
    }
}
