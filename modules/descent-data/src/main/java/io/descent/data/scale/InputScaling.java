package io.descent.data.scale;

import io.descent.data.Dataset;

import java.util.List;

/**
 * Everything done to a raw input row before the model sees it: scalers applied one after the other, each with the
 * float arithmetic of {@link Scaler#apply(Dataset)}, so a saved model scales new rows bitwise as training did. One
 * stage for in-memory sources (the scaler fitted on the training split); for a shard set, the scaling its writer
 * baked into the stored rows, then the one applied on read. Immutable and thread-safe.
 *
 * @param stages the scalers in the order they apply; none means rows are used as they are.
 */
public record InputScaling(List<Scaler> stages)
{
    /**
     * Copies the list and checks that every stage has the same width.
     */
    public InputScaling
    {
        stages = List.copyOf(stages);
        for (final Scaler stage : stages)
        {
            if (stage.width() != stages.get(0).width())
            {
                throw new IllegalArgumentException("scaling stages of widths " + stages.get(0).width() + " and " +
                    stage.width());
            }
        }
    }

    /**
     * @param scaler the only stage.
     * @return the scaling of one stage.
     */
    public static InputScaling of(final Scaler scaler)
    {
        return new InputScaling(List.of(scaler));
    }

    /**
     * @param dataset raw rows (the width of the stages).
     * @return the rows as the model saw them in training; {@code dataset} itself when no stage changes anything.
     */
    public Dataset apply(final Dataset dataset)
    {
        Dataset scaled = dataset;
        for (final Scaler stage : stages)
        {
            scaled = stage.apply(scaled);
        }
        return scaled;
    }

    /**
     * Scales one raw row in place, as {@link #apply(Dataset)} would.
     *
     * @param row  the array holding the row.
     * @param from index of the row's first feature.
     */
    public void applyToRow(final float[] row, final int from)
    {
        for (final Scaler stage : stages)
        {
            stage.applyToRow(row, from);
        }
    }
}
