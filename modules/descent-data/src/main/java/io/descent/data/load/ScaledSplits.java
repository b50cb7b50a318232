package io.descent.data.load;

import io.descent.data.SourceSplits;
import io.descent.data.scale.InputScaling;

/**
 * A job's splits and the scaling that turned the source's raw rows into their features. Immutable.
 *
 * @param splits  train, validation and test, scaled.
 * @param scaling what was done to every raw row (fitted on the training split).
 */
public record ScaledSplits(SourceSplits splits, InputScaling scaling)
{
}
