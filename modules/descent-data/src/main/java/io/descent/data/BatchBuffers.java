package io.descent.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Checks shared by every {@link io.descent.data.ExampleSource}: a batch range within an order, and a preallocated
 * ND4J array seen as a {@link FloatBuffer} over its off-heap memory, positioned at the array's first element.
 * Stateless and thread-safe.
 */
public final class BatchBuffers
{
    private BatchBuffers()
    {
    }

    /**
     * @param order row indices.
     * @param from  first position.
     * @param count number of rows.
     * @throws IllegalArgumentException if {@code count < 1} or the range leaves {@code order}.
     */
    public static void checkRange(final int[] order, final int from, final int count)
    {
        if (from < 0 || count < 1 || from + count > order.length)
        {
            throw new IllegalArgumentException(
                "rows " + from + ".." + (from + count - 1) + " are outside the order of length " + order.length);
        }
    }

    /**
     * A view of {@code array}'s memory: writing {@code rows × columns} floats from its position fills the array row
     * by row. The view is new (its position is private to the caller); the memory is the array's.
     *
     * @param array   float32, rank 2, c-order by strides, {@code [rows × columns]}.
     * @param rows    expected rows.
     * @param columns expected columns.
     * @param name    the array's role, for messages.
     * @return a native-order buffer positioned at the array's first element.
     * @throws IllegalArgumentException if the array has the wrong type, shape or layout.
     */
    public static FloatBuffer rows(final INDArray array, final int rows, final int columns, final String name)
    {
        // Judged by strides, not ordering(): ND4J may flag a row-range view of an [n × 1] array as 'f'.
        if (array.dataType() != DataType.FLOAT || array.rank() != 2 || array.rows() != rows ||
            array.columns() != columns || (columns > 1 && array.stride(1) != 1) ||
            (rows > 1 && array.stride(0) != columns))
        {
            throw new IllegalArgumentException(
                name + " must be a contiguous float32 c-order [" + rows + " × " + columns + "] array, got " +
                array.dataType() + " " + array.ordering() + " " + array.shapeInfoToString().replace('\n', ' '));
        }
        // asNio() spans the whole underlying allocation; a view starts at offset() within it.
        final FloatBuffer buffer = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.position((int)array.offset());
        return buffer;
    }
}
