package io.descent.data.scale;

/**
 * How features are rescaled before training.
 */
public enum ScalingKind
{
    /**
     * Features are used as they are.
     */
    NONE,

    /**
     * Per feature, {@code (x - min) / (max - min)} with min and max from the training split: train values land in
     * {@code [0, 1]}.
     */
    MIN_MAX,

    /**
     * One min and max over all features of the training split, {@code (x - min) / (max - min)}: for images this is
     * the usual division by 255 and keeps rarely-lit pixels from being amplified.
     */
    GLOBAL_MIN_MAX,

    /**
     * Per feature, {@code (x - mean) / std} (population std) with statistics from the training split.
     */
    STANDARDIZE
}
