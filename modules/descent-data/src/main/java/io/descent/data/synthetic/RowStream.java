package io.descent.data.synthetic;

import io.descent.data.Task;

import java.util.List;

/**
 * An endless, seeded sequence of generated rows, produced one at a time so that any number of rows can be written
 * to disk without holding them in memory. Not thread-safe.
 */
public interface RowStream
{
    /**
     * @return what the targets mean.
     */
    Task task();

    /**
     * @return features per row.
     */
    int numFeatures();

    /**
     * @return targets per row (classes for classification, as one-hot).
     */
    int numOutputs();

    /**
     * @return class names for classification, else empty.
     */
    List<String> classNames();

    /**
     * @return one name per feature.
     */
    List<String> featureNames();

    /**
     * Generate the next row.
     *
     * @param features receives {@link #numFeatures()} values from index 0.
     * @param targets  receives {@link #numOutputs()} values from index 0 (one-hot for classification).
     */
    void next(float[] features, float[] targets);
}
