package io.descent.nn.layer;

import org.nd4j.linalg.api.buffer.DataType;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.FloatRawIndexer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

/**
 * Element access from Java to a contiguous row-major INDArray's native memory (float or double), for the layers whose
 * data movement (im2col, col2im, layout changes, pooling) runs as plain loops between the BLAS products. Made once
 * per array when a pass is prepared; reading and writing allocate nothing. Values travel as doubles (exact for both
 * types).
 *
 * <p>Not thread-safe: the array's, on its owner's thread.
 */
abstract sealed class Flat permits Flat.Floats, Flat.Doubles
{
    /**
     * @param array a contiguous c-order FLOAT or DOUBLE array.
     * @return its elements in row-major order.
     * @throws IllegalArgumentException for another type or a strided view.
     */
    static Flat of(final INDArray array)
    {
        if (array.elementWiseStride() != 1 || array.ordering() != 'c')
        {
            throw new IllegalArgumentException("needs a contiguous c-order array, got " + array.shapeInfoToString());
        }
        final DataType type = array.dataType();
        final int width = type.width();
        final ByteBuffer bytes = array.data().asNio().order(ByteOrder.nativeOrder());
        final long needed = (array.offset() + array.length()) * width;
        if (bytes.capacity() < needed)
        {
            throw new IllegalArgumentException("the array's buffer holds " + bytes.capacity() + " bytes, its view needs " +
                needed);
        }
        final ByteBuffer view = bytes.position(Math.toIntExact(array.offset() * width))
            .limit(Math.toIntExact(needed)).slice().order(ByteOrder.nativeOrder());
        return switch (type)
        {
            case FLOAT ->
            {
                final FloatPointer pointer = new FloatPointer(array.data().addressPointer()).capacity(array.length());
                yield new Floats(new FloatRawIndexer(pointer, array.length()), pointer);
            }
            case DOUBLE -> new Doubles(view.asDoubleBuffer());
            default -> throw new IllegalArgumentException("float or double arrays only, got " + type);
        };
    }

    abstract double get(int index);

    abstract void set(int index, double value);

    /** Adds to an element. */
    abstract void add(int index, double value);

    /** Sets the first {@code length} elements to 0. */
    abstract void clear(int length);

    /** Copies the first {@code length} elements into {@code target}. */
    abstract void copyTo(Flat target, int length);

    /** Float arrays through JavaCPP's raw (unsafe, index-checked) indexer: the hot path of float32 training. */
    static final class Floats extends Flat
    {
        private final FloatRawIndexer values;
        /** The same memory for bulk copies (one native memcpy instead of an indexed loop). */
        private final FloatPointer pointer;

        Floats(final FloatRawIndexer values, final FloatPointer pointer)
        {
            this.values = values;
            this.pointer = pointer;
        }

        /** Copies elements [from, from + length) into {@code target[0, length)}; allocates nothing. */
        void read(final int from, final float[] target, final int length)
        {
            checkRange(from, length, target.length);
            pointer.position(from).get(target, 0, length);
        }

        /** Copies {@code source[0, length)} into elements [to, to + length); allocates nothing. */
        void write(final int to, final float[] source, final int length)
        {
            checkRange(to, length, source.length);
            pointer.position(to).put(source, 0, length);
        }

        private void checkRange(final int at, final int length, final int arrayLength)
        {
            if (at < 0 || length < 0 || length > arrayLength || at + (long)length > pointer.capacity())
            {
                throw new IndexOutOfBoundsException("elements [" + at + ", " + (at + (long)length) + ") of " +
                    pointer.capacity() + " with a Java array of " + arrayLength);
            }
        }

        @Override
        double get(final int index)
        {
            return values.get(index);
        }

        @Override
        void set(final int index, final double value)
        {
            values.put(index, (float)value);
        }

        @Override
        void add(final int index, final double value)
        {
            values.put(index, values.get(index) + (float)value);
        }

        @Override
        void clear(final int length)
        {
            for (int i = 0; i < length; i++)
            {
                values.put(i, 0.0f);
            }
        }

        /** One native memcpy (an indexed loop took 0.42 ms for a flatten of 128 × 3136 floats). */
        @Override
        void copyTo(final Flat target, final int length)
        {
            final FloatPointer to = ((Floats)target).pointer;
            if (length < 0 || length > pointer.capacity() || length > to.capacity())
            {
                throw new IndexOutOfBoundsException("copying " + length + " floats from " + pointer.capacity() +
                    " into " + to.capacity());
            }
            Pointer.memcpy(to.position(0), pointer.position(0), (long)length * Float.BYTES);
        }
    }

    static final class Doubles extends Flat
    {
        private final DoubleBuffer values;

        Doubles(final DoubleBuffer values)
        {
            this.values = values;
        }

        @Override
        double get(final int index)
        {
            return values.get(index);
        }

        @Override
        void set(final int index, final double value)
        {
            values.put(index, value);
        }

        @Override
        void add(final int index, final double value)
        {
            values.put(index, values.get(index) + value);
        }

        @Override
        void clear(final int length)
        {
            for (int i = 0; i < length; i++)
            {
                values.put(i, 0.0);
            }
        }

        @Override
        void copyTo(final Flat target, final int length)
        {
            ((Doubles)target).values.put(0, values, 0, length);
        }
    }
}
