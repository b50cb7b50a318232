package io.descent.data.shard;

import io.descent.nn.error.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An opened shard set: the manifest and every shard file, checked and memory-mapped. Global row {@code i} lives in
 * shard {@code i / rowsPerShard} at row {@code i % rowsPerShard}. Immutable; safe to read from several threads.
 */
public final class ShardSet
{
    private static final Logger LOG = LoggerFactory.getLogger(ShardSet.class);

    private final Path dir;
    private final ShardManifest manifest;
    private final ShardFile[] files;
    private final int rowsPerShard;

    private ShardSet(final Path dir, final ShardManifest manifest, final ShardFile[] files)
    {
        this.dir = dir;
        this.manifest = manifest;
        this.files = files;
        this.rowsPerShard = (int)manifest.rowsPerShard();
    }

    /**
     * Open a shard set with mapping windows of at most 1 GiB.
     *
     * @param dir    the shard set directory.
     * @param verify whether to check each shard's CRC32C (one sequential read of every byte).
     * @return the opened set.
     * @throws BadInputException naming the manifest or the shard file at fault.
     */
    public static ShardSet open(final Path dir, final boolean verify)
    {
        return open(dir, verify, ShardFile.DEFAULT_WINDOW_BYTES);
    }

    /**
     * Like {@link #open(Path, boolean)} with a chosen window size (tests use small windows to exercise the
     * arithmetic that files over 2 GiB need).
     *
     * @param dir         the shard set directory.
     * @param verify      whether to check each shard's CRC32C.
     * @param windowBytes largest mapped window in bytes; rounded down to whole rows, at least one row.
     * @return the opened set.
     */
    public static ShardSet open(final Path dir, final boolean verify, final long windowBytes)
    {
        final long start = System.nanoTime();
        final ShardManifest manifest = ManifestCodec.read(dir);
        ManifestChecks.check(manifest, dir.resolve(ShardFormat.MANIFEST));
        final ShardFile[] files = new ShardFile[manifest.shards().size()];
        for (int i = 0; i < files.length; i++)
        {
            files[i] = ShardFile.open(dir, manifest.shards().get(i), manifest.expectedHeader(i), verify, windowBytes);
        }
        LOG.info("opened shard set {}: {} rows × {} floats in {} shards ({} MB){}, {} ms", dir, manifest.rows(),
            manifest.rowFloats(), files.length, manifest.rows() * manifest.rowFloats() * Float.BYTES / 1_000_000,
            verify ? ", checksums verified" : "", (System.nanoTime() - start) / 1_000_000);
        return new ShardSet(dir, manifest, files);
    }

    /**
     * @return the manifest.
     */
    public ShardManifest manifest()
    {
        return manifest;
    }

    /**
     * @return the directory.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * @return total rows.
     */
    public int size()
    {
        return (int)manifest.rows();
    }

    /**
     * Copy row {@code row}'s features and targets to the destinations' positions, advancing them.
     *
     * @param row      global row index, {@code 0..size-1}.
     * @param features destination of {@code numFeatures} floats.
     * @param targets  destination of {@code numOutputs} floats.
     */
    public void copyRow(final int row, final FloatBuffer features, final FloatBuffer targets)
    {
        Objects.checkIndex(row, size());
        files[row / rowsPerShard].copyRow(row % rowsPerShard, features, targets);
    }

    /**
     * @param row global row index.
     * @return the class of a classification row (the position of its one-hot 1).
     */
    public int label(final int row)
    {
        Objects.checkIndex(row, size());
        return files[row / rowsPerShard].argMaxTarget(row % rowsPerShard);
    }

    @Override
    public String toString()
    {
        return "ShardSet{" + dir + ", rows=" + manifest.rows() + ", shards=" + files.length + '}';
    }
}
