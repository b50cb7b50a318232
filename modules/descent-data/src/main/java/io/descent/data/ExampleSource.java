package io.descent.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Rows of examples a trainer or evaluator can read by index, wherever they live: on the heap ({@link Dataset}) or in
 * memory-mapped shard files ({@link io.descent.data.shard.ShardSource}).
 *
 * <p>Row {@code i} has {@link #numFeatures()} feature floats and {@link #numOutputs()} target floats (one-hot for
 * {@link Task#CLASSIFICATION}). Implementations are immutable after construction and safe to read from several
 * threads as long as each thread fills its own arrays (INDArrays are not thread-safe).
 */
public interface ExampleSource
{
    /**
     * @return number of rows.
     */
    int size();

    /**
     * @return feature floats per row.
     */
    int numFeatures();

    /**
     * @return number of classes (classification) or targets per row (regression).
     */
    int numOutputs();

    /**
     * @return what the targets mean.
     */
    Task task();

    /**
     * @return one name per class for classification, empty for regression.
     */
    List<String> classNames();

    /**
     * @return one name per feature, or empty when the source has none.
     */
    List<String> featureNames();

    /**
     * Copy rows {@code order[from .. from+count-1]} into caller-owned arrays, in that order, without allocating
     * arrays. See {@link io.descent.data.batch.MinibatchFiller#fill} for the argument contract.
     *
     * @param order    row indices, each in {@code 0..size-1}, e.g. an epoch permutation or a worker's shard.
     * @param from     first position in {@code order}.
     * @param count    number of rows, ≥ 1, with {@code from + count <= order.length}.
     * @param features float32, c-order {@code [count × numFeatures]}, contiguous (a row-range view is fine);
     *                 overwritten.
     * @param targets  float32, c-order {@code [count × numOutputs]}, contiguous; overwritten.
     * @throws IllegalArgumentException if an array has the wrong type, order or shape, or the range leaves
     *                                  {@code order}.
     */
    void fill(int[] order, int from, int count, INDArray features, INDArray targets);

    /**
     * Copy the class indices of rows {@code order[from .. from+count-1]} (classification only).
     *
     * @param order  row indices.
     * @param from   first position in {@code order}.
     * @param count  number of rows.
     * @param labels destination of length ≥ count; its first {@code count} entries are overwritten.
     * @throws IllegalArgumentException if the source is not a classification source.
     */
    void fillLabels(int[] order, int from, int count, int[] labels);
}
