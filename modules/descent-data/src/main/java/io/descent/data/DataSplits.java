package io.descent.data;

import java.util.Objects;

/**
 * The three splits a training job uses, already scaled with statistics from {@code train} only.
 *
 * @param train      rows the model is fitted on (and that workers shard).
 * @param validation rows held out from the training source to watch generalization per epoch.
 * @param test       rows from the source's test split, evaluated once at the end.
 */
public record DataSplits(Dataset train, Dataset validation, Dataset test)
{
    /**
     * @param train      rows the model is fitted on.
     * @param validation rows held out from the training source.
     * @param test       rows from the source's test split.
     */
    public DataSplits
    {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(test, "test");
    }
}
