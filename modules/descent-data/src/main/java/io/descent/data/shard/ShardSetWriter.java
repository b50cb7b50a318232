package io.descent.data.shard;

import io.descent.nn.error.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams rows into a new shard set, atomically: everything is written into a hidden sibling directory
 * ({@code .NAME.tmp-…}), the manifest last, and the directory is renamed to its final name by {@link #finish()}.
 * {@link #close()} without {@link #finish()} (an exception mid-way) deletes the temporary directory, so the output
 * path either does not exist or holds a complete, valid set; a killed process can leave only a hidden
 * {@code .NAME.tmp-…} directory, which readers never look at.
 *
 * <p>Memory: one 1 MiB buffer and O(features) statistics, whatever the number of rows. Not thread-safe.
 */
public final class ShardSetWriter implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ShardSetWriter.class);

    private final Path out;
    private final Path temp;
    private final ShardLayout layout;
    private final RunningStatistics statistics;
    private final List<ShardEntry> entries = new ArrayList<>();
    private ShardFileWriter current;
    private long rowsInCurrent;
    private long rowsWritten;
    private boolean finished;

    private ShardSetWriter(final Path out, final Path temp, final ShardLayout layout)
    {
        this.out = out;
        this.temp = temp;
        this.layout = layout;
        this.statistics = new RunningStatistics(layout.numFeatures());
    }

    /**
     * @param out    the shard set directory to create; must not exist (or be an empty directory).
     * @param layout what will be written.
     * @return a writer; close it (try-with-resources).
     * @throws BadInputException if {@code out} exists and is not empty, or cannot be created.
     */
    public static ShardSetWriter create(final Path out, final ShardLayout layout)
    {
        final Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target))
        {
            throw new BadInputException("--out " + out + " already exists; remove it or choose another directory");
        }
        final Path parent = target.getParent();
        try
        {
            Files.createDirectories(parent);
            // Not createTempDirectory: its 0700 mode would stick to the renamed set.
            final Path temp = Files.createDirectory(parent.resolve("." + target.getFileName() + ".tmp-" +
                ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime())));
            return new ShardSetWriter(target, temp, layout);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("cannot create the shard set " + out + " (" + ex.getMessage() +
                "); check that its parent directory is writable", ex);
        }
    }

    /**
     * Append the next row.
     *
     * @param features     array holding the row's {@code numFeatures} features (already scaled, if at all).
     * @param featuresFrom index of the first feature.
     * @param targets      array holding the row's {@code numOutputs} targets (one-hot for classification).
     * @param targetsFrom  index of the first target.
     * @throws BadInputException if a feature is NaN or infinite.
     */
    public void write(final float[] features, final int featuresFrom, final float[] targets, final int targetsFrom)
    {
        final int nonFinite = statistics.add(features, featuresFrom);
        if (nonFinite >= 0)
        {
            throw new BadInputException("row " + rowsWritten + " has feature " + nonFinite + " = " +
                features[featuresFrom + nonFinite] + "; shard sets hold finite numbers only: clean the source");
        }
        try
        {
            if (current == null || rowsInCurrent == layout.rowsPerShard())
            {
                nextShard();
            }
            current.write(features, featuresFrom, targets, targetsFrom);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing row " + rowsWritten + " to " + temp, ex);
        }
        rowsInCurrent++;
        rowsWritten++;
    }

    /**
     * Complete the set: flush and force every shard, write the manifest, rename the directory into place.
     *
     * @return the manifest written.
     * @throws IllegalStateException if fewer or more rows than the layout's were written.
     */
    public ShardManifest finish()
    {
        if (rowsWritten != layout.rows())
        {
            throw new IllegalStateException("wrote " + rowsWritten + " rows, the layout says " + layout.rows());
        }
        try
        {
            closeCurrent();
            final ShardManifest manifest = new ShardManifest(ShardFormat.VERSION, layout.task(), layout.numFeatures(),
                layout.numOutputs(), layout.classNames(), layout.featureNames(), layout.rows(), layout.rowsPerShard(),
                entries, statistics.result(), layout.scaling(), layout.origin());
            Files.writeString(temp.resolve(ShardFormat.MANIFEST), ManifestCodec.toJson(manifest),
                StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            finished = true;
            LOG.info("wrote shard set {}: {} rows in {} shards", out, layout.rows(), entries.size());
            return manifest;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("completing the shard set " + out + " from " + temp, ex);
        }
    }

    /**
     * Release files; when {@link #finish()} did not succeed, delete everything written.
     */
    @Override
    public void close()
    {
        try
        {
            closeCurrent();
        }
        catch (final IOException ex)
        {
            LOG.debug("closing a shard of the abandoned set {}", temp, ex);
        }
        if (!finished)
        {
            TempDirectories.deleteQuietly(temp);
        }
    }

    private void nextShard() throws IOException
    {
        closeCurrent();
        final int index = entries.size();
        final long rows = Math.min(layout.rowsPerShard(), layout.rows() - rowsWritten);
        current = new ShardFileWriter(temp.resolve(ShardFormat.fileName(index)),
            new ShardHeader(ShardFormat.VERSION, index, rows, layout.numFeatures(), layout.numOutputs()));
        rowsInCurrent = 0;
    }

    private void closeCurrent() throws IOException
    {
        if (current != null)
        {
            final ShardFileWriter writer = current;
            current = null;
            try (writer)
            {
                if (rowsInCurrent == writer.expectedRows())
                {
                    entries.add(writer.finish());
                }
            }
        }
    }

    private static boolean isEmptyDirectory(final Path dir)
    {
        try (var children = Files.list(dir))
        {
            return Files.isDirectory(dir) && children.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
