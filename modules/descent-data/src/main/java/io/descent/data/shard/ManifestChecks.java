package io.descent.data.shard;

import io.descent.data.Task;
import io.descent.data.scale.ScalingKind;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;

/**
 * Checks that a manifest's numbers agree with each other before any shard file is opened: shapes, names, the
 * per-shard row counts and file names. Stateless and thread-safe.
 */
final class ManifestChecks
{
    private ManifestChecks()
    {
    }

    /**
     * @param manifest the manifest read from {@code file}.
     * @param file     the manifest file, for messages.
     * @throws BadInputException naming the file and the first inconsistency.
     */
    static void check(final ShardManifest manifest, final Path file)
    {
        require(manifest.version() == ShardFormat.VERSION, file, "version " + manifest.version() +
            " is not supported (this build reads version " + ShardFormat.VERSION + ")");
        require(manifest.numFeatures() >= 1 && manifest.numOutputs() >= 1, file,
            "num_features and num_outputs must be >= 1, got " + manifest.numFeatures() + ", " + manifest.numOutputs());
        require(manifest.task() != Task.CLASSIFICATION || manifest.classNames().size() == manifest.numOutputs(), file,
            "class_names has " + manifest.classNames().size() + " names for " + manifest.numOutputs() + " outputs");
        require(manifest.featureNames().isEmpty() || manifest.featureNames().size() == manifest.numFeatures(), file,
            "feature_names has " + manifest.featureNames().size() + " names for " + manifest.numFeatures() +
            " features");
        require(manifest.rows() >= 1 && manifest.rows() <= Integer.MAX_VALUE - 8, file,
            "rows = " + manifest.rows() + " must be in 1.." + (Integer.MAX_VALUE - 8));
        require(manifest.rowsPerShard() >= 1 && !manifest.shards().isEmpty(), file,
            "rows_per_shard must be >= 1 and shards must not be empty");
        checkShards(manifest, file);
        final int d = manifest.numFeatures();
        require(manifest.statistics().min().length == d && manifest.statistics().max().length == d &&
            manifest.statistics().mean().length == d && manifest.statistics().std().length == d, file,
            "statistics must hold " + d + " values per list");
        final AppliedScaling scaling = manifest.scaling();
        final int expected = scaling.kind() == ScalingKind.NONE ? 0 : d;
        require(scaling.offsets().length == expected && scaling.factors().length == expected, file,
            "scaling " + scaling.kind() + " must hold " + expected + " offsets and factors");
    }

    private static void checkShards(final ShardManifest manifest, final Path file)
    {
        long start = 0;
        for (int i = 0; i < manifest.shards().size(); i++)
        {
            final ShardEntry entry = manifest.shards().get(i);
            require(ShardFormat.fileName(i).equals(entry.file()), file,
                "shard " + i + " is named '" + entry.file() + "', expected '" + ShardFormat.fileName(i) + "'");
            final long expectedRows = Math.min(manifest.rowsPerShard(), manifest.rows() - start);
            require(entry.rows() == expectedRows, file,
                entry.file() + " lists " + entry.rows() + " rows, expected " + expectedRows);
            require(entry.bytes() == manifest.expectedHeader(i).fileBytes(), file,
                entry.file() + " lists " + entry.bytes() + " bytes, expected " + manifest.expectedHeader(i).fileBytes());
            start += entry.rows();
        }
        require(start == manifest.rows(), file,
            "the shards hold " + start + " rows but rows = " + manifest.rows());
    }

    private static void require(final boolean condition, final Path file, final String problem)
    {
        if (!condition)
        {
            throw new BadInputException("shard manifest " + file + " is inconsistent: " + problem +
                "; re-create the shard set with 'descent data shard'");
        }
    }
}
