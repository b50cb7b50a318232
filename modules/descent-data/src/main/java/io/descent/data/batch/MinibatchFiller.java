package io.descent.data.batch;

import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies selected rows of an {@link ExampleSource} into caller-owned, preallocated ND4J arrays: the per-step path
 * from stored data (heap arrays or memory-mapped shards) to the model's input buffers, with no allocation of arrays.
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
     * Copy rows {@code order[from .. from+count-1]} of {@code source} into {@code features} and {@code targets}.
     *
     * @param source   the source rows.
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
        final ExampleSource source,
        final int[] order,
        final int from,
        final int count,
        final INDArray features,
        final INDArray targets)
    {
        source.fill(order, from, count, features, targets);
    }

    /**
     * The in-memory case of {@link #fill(ExampleSource, int[], int, int, INDArray, INDArray)}, kept so that code
     * compiled against the {@code Dataset} signature links.
     *
     * @param dataset  the source rows.
     * @param order    row indices.
     * @param from     first position in {@code order}.
     * @param count    number of rows to copy, ≥ 1.
     * @param features float32, c-order {@code [count × numFeatures]}; overwritten.
     * @param targets  float32, c-order {@code [count × numOutputs]}; overwritten.
     */
    public static void fill(
        final Dataset dataset,
        final int[] order,
        final int from,
        final int count,
        final INDArray features,
        final INDArray targets)
    {
        dataset.fill(order, from, count, features, targets);
    }

    /**
     * Copy the class labels of rows {@code order[from .. from+count-1]} (classification only).
     *
     * @param source a classification source.
     * @param order  row indices.
     * @param from   first position in {@code order}.
     * @param count  number of rows.
     * @param labels destination of length ≥ count; its first {@code count} entries are overwritten.
     */
    public static void fillLabels(
        final ExampleSource source, final int[] order, final int from, final int count, final int[] labels)
    {
        source.fillLabels(order, from, count, labels);
    }

    /**
     * The in-memory case of {@link #fillLabels(ExampleSource, int[], int, int, int[])}, kept for linking.
     *
     * @param dataset a classification dataset.
     * @param order   row indices.
     * @param from    first position in {@code order}.
     * @param count   number of rows.
     * @param labels  destination of length ≥ count.
     */
    public static void fillLabels(
        final Dataset dataset, final int[] order, final int from, final int count, final int[] labels)
    {
        dataset.fillLabels(order, from, count, labels);
    }
}
