package io.descent.data;

/**
 * What a dataset's targets mean: class labels (one-hot targets) or real-valued targets.
 */
public enum Task
{
    /**
     * Each row belongs to one of {@code numOutputs} classes; targets are one-hot rows.
     */
    CLASSIFICATION,

    /**
     * Each row has {@code numOutputs} real-valued targets.
     */
    REGRESSION
}
