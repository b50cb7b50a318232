package io.descent.data.shard;

import io.descent.data.Task;
import io.descent.nn.error.BadInputException;

import java.util.List;

/**
 * What a {@link ShardSetWriter} is about to write: the rows' meaning and shape, how many and in how many shards.
 * Immutable.
 *
 * @param task         classification (one-hot targets) or regression.
 * @param numFeatures  feature floats per row, ≥ 1.
 * @param numOutputs   target floats per row, ≥ 1 (number of classes for classification).
 * @param classNames   one per class for classification, else empty.
 * @param featureNames one per feature, or empty.
 * @param rows         total rows, ≥ 1.
 * @param shards       number of shard files, in {@code 1..rows}.
 * @param scaling      the scaling already applied to the features handed to the writer.
 * @param origin       free text saying where the rows came from.
 */
public record ShardLayout(
    Task task,
    int numFeatures,
    int numOutputs,
    List<String> classNames,
    List<String> featureNames,
    long rows,
    int shards,
    AppliedScaling scaling,
    String origin)
{
    /**
     * @throws BadInputException if the counts are out of range.
     */
    public ShardLayout
    {
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        if (rows < 1 || rows > Integer.MAX_VALUE - 8)
        {
            throw new BadInputException("a shard set holds 1.." + (Integer.MAX_VALUE - 8) + " rows, not " + rows);
        }
        if (shards < 1 || shards > rows)
        {
            throw new BadInputException("--shards " + shards + " must be in 1.." + rows + " (the number of rows)");
        }
        if (numFeatures < 1 || numOutputs < 1)
        {
            throw new IllegalArgumentException("numFeatures and numOutputs must be >= 1: " + numFeatures + ", " +
                numOutputs);
        }
    }

    /**
     * @return rows of every shard but the last: {@code ceil(rows / shards)}.
     */
    public long rowsPerShard()
    {
        return (rows + shards - 1) / shards;
    }

    /**
     * @return shard files actually written: {@code ceil(rows / rowsPerShard)}, at most {@link #shards()} (fewer
     * when rounding leaves the last ones empty, e.g. 10 rows in 4 shards of 3).
     */
    public int shardFiles()
    {
        return (int)((rows + rowsPerShard() - 1) / rowsPerShard());
    }
}
