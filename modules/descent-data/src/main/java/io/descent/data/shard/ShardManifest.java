package io.descent.data.shard;

import io.descent.data.Task;
import io.descent.data.scale.FeatureStatistics;

import java.util.List;

/**
 * The contents of a shard set's {@code manifest.json}: what the rows mean and which files hold them. Immutable;
 * read and written by {@link ManifestCodec}.
 *
 * @param version      format version ({@link ShardFormat#VERSION}).
 * @param task         classification (one-hot targets) or regression.
 * @param numFeatures  feature floats per row.
 * @param numOutputs   target floats per row (number of classes for classification).
 * @param classNames   one per class for classification, else empty.
 * @param featureNames one per feature, or empty.
 * @param rows         total rows in the set.
 * @param rowsPerShard rows of every shard but the last, which holds the rest.
 * @param shards       the shard files in row order.
 * @param statistics   per-feature min, max, mean, std of the stored rows (after {@code scaling}).
 * @param scaling      the scaling applied to the features before they were stored.
 * @param origin       free text saying where the rows came from (for people).
 */
public record ShardManifest(
    int version,
    Task task,
    int numFeatures,
    int numOutputs,
    List<String> classNames,
    List<String> featureNames,
    long rows,
    long rowsPerShard,
    List<ShardEntry> shards,
    FeatureStatistics statistics,
    AppliedScaling scaling,
    String origin)
{
    /**
     * Copies the lists.
     */
    public ShardManifest
    {
        classNames = List.copyOf(classNames);
        featureNames = List.copyOf(featureNames);
        shards = List.copyOf(shards);
    }

    /**
     * @return floats per stored row: features then targets.
     */
    public int rowFloats()
    {
        return numFeatures + numOutputs;
    }

    /**
     * @param shard index of a shard.
     * @return the header that shard's file must carry.
     */
    public ShardHeader expectedHeader(final int shard)
    {
        return new ShardHeader(version, shard, shards.get(shard).rows(), numFeatures, numOutputs);
    }
}
