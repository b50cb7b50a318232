package io.descent.data.shard;

import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;

/**
 * The scaling baked into a shard set's stored features when it was written: stored {@code x' = (x - offset[j]) ×
 * factor[j]}. Kept in the manifest so that new inputs (inference, another split) can be scaled the same way.
 *
 * @param kind    the kind of scaling; {@link ScalingKind#NONE} when the rows are stored as the source gave them.
 * @param offsets per-feature offsets (empty for {@code NONE}).
 * @param factors per-feature factors (empty for {@code NONE}).
 */
public record AppliedScaling(ScalingKind kind, double[] offsets, double[] factors)
{
    /** Rows stored as the source gave them. */
    public static final AppliedScaling NONE = new AppliedScaling(ScalingKind.NONE, new double[0], new double[0]);

    /**
     * @param scaler a fitted scaler.
     * @return its record.
     */
    public static AppliedScaling of(final Scaler scaler)
    {
        return scaler.kind() == ScalingKind.NONE ? NONE :
            new AppliedScaling(scaler.kind(), scaler.offsets(), scaler.factors());
    }
}
