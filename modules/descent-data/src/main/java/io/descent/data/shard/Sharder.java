package io.descent.data.shard;

import io.descent.data.Dataset;
import io.descent.data.scale.Scaler;
import io.descent.data.synthetic.RowStream;

import java.nio.file.Path;

/**
 * Writes shard sets from an in-memory {@link Dataset} (optionally scaling each row on the way, without copying the
 * dataset) or from a {@link RowStream} (any number of rows in O(features) memory). Stateless and thread-safe.
 */
public final class Sharder
{
    private Sharder()
    {
    }

    /**
     * @param dataset the rows, in order.
     * @param out     the shard set directory to create (must not exist or be empty).
     * @param shards  number of shard files, in {@code 1..size}.
     * @param scaler  scaling to bake into the stored features (fitted elsewhere, e.g. on the training split).
     * @param origin  free text for the manifest.
     * @return the manifest written.
     */
    public static ShardManifest write(
        final Dataset dataset, final Path out, final int shards, final Scaler scaler, final String origin)
    {
        final ShardLayout layout = new ShardLayout(dataset.task(), dataset.numFeatures(), dataset.numOutputs(),
            dataset.classNames(), dataset.featureNames(), dataset.size(), shards, AppliedScaling.of(scaler), origin);
        final int d = dataset.numFeatures();
        final int k = dataset.numOutputs();
        final float[] row = new float[d];
        try (ShardSetWriter writer = ShardSetWriter.create(out, layout))
        {
            for (int i = 0; i < dataset.size(); i++)
            {
                System.arraycopy(dataset.features(), i * d, row, 0, d);
                scaler.applyToRow(row, 0);
                writer.write(row, 0, dataset.targets(), i * k);
            }
            return writer.finish();
        }
    }

    /**
     * @param rows   the row generator.
     * @param count  number of rows to draw and write, ≥ 1.
     * @param out    the shard set directory to create.
     * @param shards number of shard files, in {@code 1..count}.
     * @param origin free text for the manifest.
     * @return the manifest written.
     */
    public static ShardManifest write(
        final RowStream rows, final long count, final Path out, final int shards, final String origin)
    {
        final ShardLayout layout = new ShardLayout(rows.task(), rows.numFeatures(), rows.numOutputs(),
            rows.classNames(), rows.featureNames(), count, shards, AppliedScaling.NONE, origin);
        final float[] features = new float[rows.numFeatures()];
        final float[] targets = new float[rows.numOutputs()];
        try (ShardSetWriter writer = ShardSetWriter.create(out, layout))
        {
            for (long i = 0; i < count; i++)
            {
                rows.next(features, targets);
                writer.write(features, 0, targets, 0);
            }
            return writer.finish();
        }
    }
}
