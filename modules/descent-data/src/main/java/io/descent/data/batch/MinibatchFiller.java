package io.descent.data.batch;

import io.descent.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies selected rows of a {@link Dataset} into caller-owned, preallocated ND4J arrays: the per-step path from
 * heap data to the model's input buffers, with no allocation of arrays.
 *
 * <p>Rows are copied with one bulk {@code put} per row straight into the arrays' off-heap buffers. Stateless; safe
 * to call from several threads as long as each thread fills its own arrays (INDArrays are not thread-safe).
 */
public final class MinibatchFiller
{
    private MinibatchFiller()
    {
    }

    /**
     * Copy rows {@code order[from .. from+count-1]} of {@code dataset} into {@code features} and {@code targets}.
     *
     * @param dataset  the source rows.
     * @param order    row indices, e.g. an epoch permutation or a worker's shard.
     * @param from     first position in {@code order}.
     * @param count    number of rows to copy, ≥ 1.
     * @param features float32, c-order {@code [count × numFeatures]}, contiguous (a row-range view is fine);
     *                 overwritten.
     * @param targets  float32, c-order {@code [count × numOutputs]}, contiguous; overwritten.
     * @throws IllegalArgumentException if an array has the wrong type, order or shape, or the range leaves
     *                                  {@code order}.
     */
    public static void fill(
        final Dataset dataset,
        final int[] order,
        final int from,
        final int count,
        final INDArray features,
        final INDArray targets)
    {
        if (from < 0 || count < 1 || from + count > order.length)
        {
            throw new IllegalArgumentException(
                "rows " + from + ".." + (from + count - 1) + " are outside the order of length " + order.length);
        }
        copyRows(dataset.features(), dataset.numFeatures(), order, from, count, bufferOf(features, count,
            dataset.numFeatures(), "features"));
        copyRows(dataset.targets(), dataset.numOutputs(), order, from, count, bufferOf(targets, count,
            dataset.numOutputs(), "targets"));
    }

    /**
     * Copy the class labels of rows {@code order[from .. from+count-1]} (classification only).
     *
     * @param dataset a classification dataset.
     * @param order   row indices.
     * @param from    first position in {@code order}.
     * @param count   number of rows.
     * @param labels  destination of length ≥ count; its first {@code count} entries are overwritten.
     */
    public static void fillLabels(
        final Dataset dataset, final int[] order, final int from, final int count, final int[] labels)
    {
        final int[] source = dataset.labels();
        if (source == null)
        {
            throw new IllegalArgumentException("dataset has no labels (task " + dataset.task() + ")");
        }
        for (int i = 0; i < count; i++)
        {
            labels[i] = source[order[from + i]];
        }
    }

    private static void copyRows(
        final float[] source, final int width, final int[] order, final int from, final int count,
        final FloatBuffer destination)
    {
        for (int i = 0; i < count; i++)
        {
            destination.put(source, order[from + i] * width, width);
        }
    }

    private static FloatBuffer bufferOf(final INDArray array, final int rows, final int columns, final String name)
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
