package io.descent.data;

import java.util.Objects;

/**
 * The three splits of a job as {@link ExampleSource}s: in memory ({@link Dataset}) or streamed from a shard set.
 * Features are already scaled (or are scaled as they are read) with statistics of the training data.
 *
 * @param train      rows the model is fitted on.
 * @param validation rows held out to watch generalization per epoch.
 * @param test       rows evaluated once at the end.
 */
public record SourceSplits(ExampleSource train, ExampleSource validation, ExampleSource test)
{
    /**
     * @param train      rows the model is fitted on.
     * @param validation rows held out from the training source.
     * @param test       rows evaluated once at the end.
     */
    public SourceSplits
    {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
    }

    /**
     * @param splits in-memory splits.
     * @return the same splits as sources.
     */
    public static SourceSplits of(final DataSplits splits)
    {
        return new SourceSplits(splits.train(), splits.validation(), splits.test());
    }
}
