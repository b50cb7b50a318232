package io.descent.data.shard;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One shard file, checked against the manifest and memory-mapped read-only in windows of at most
 * {@link #DEFAULT_WINDOW_BYTES} that never split a row (so files over 2 GiB work). The rows live in the OS page
 * cache, not on the Java heap; the mapping stays valid after the channel is closed and is released when this object
 * is collected. Immutable; {@link #copyRow} may be called from several threads.
 */
final class ShardFile
{
    /** Largest mapped window, in bytes. */
    static final long DEFAULT_WINDOW_BYTES = 1L << 30;

    private final Path file;
    private final ShardHeader header;
    private final int rowsPerWindow;
    private final FloatBuffer[] windows;

    private ShardFile(final Path file, final ShardHeader header, final int rowsPerWindow, final FloatBuffer[] windows)
    {
        this.file = file;
        this.header = header;
        this.rowsPerWindow = rowsPerWindow;
        this.windows = windows;
    }

    /**
     * Open, check and map one shard.
     *
     * @param dir         the shard set directory.
     * @param entry       the manifest's entry for the file.
     * @param expected    the header the manifest implies.
     * @param verify      whether to read every byte and compare the CRC32C with the manifest.
     * @param windowBytes largest mapped window, ≥ one row.
     * @return the mapped shard.
     * @throws BadInputException naming the file if it is missing, truncated, foreign, inconsistent or corrupt.
     */
    static ShardFile open(
        final Path dir, final ShardEntry entry, final ShardHeader expected, final boolean verify, final long windowBytes)
    {
        final Path file = dir.resolve(entry.file());
        if (!Files.isRegularFile(file))
        {
            throw new BadInputException("shard file " + file + " is missing (it is listed in " +
                dir.resolve(ShardFormat.MANIFEST) + "); re-create the shard set");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ShardHeader header = readHeader(channel, file);
            if (!header.equals(expected))
            {
                throw new BadInputException("shard file " + file + " does not belong to its shard set: its header " +
                    "says " + header + ", " + ShardFormat.MANIFEST + " implies " + expected);
            }
            final long size = channel.size();
            if (size != header.fileBytes())
            {
                throw new BadInputException("shard file " + file + (size < header.fileBytes() ? " is truncated" :
                    " has trailing bytes") + ": " + size + " bytes, expected " + header.fileBytes() + " (" +
                    header.rows() + " rows); re-create the shard set");
            }
            final long rowBytes = (long)header.rowFloats() * Float.BYTES;
            final int rowsPerWindow = (int)Math.max(1, Math.min(Integer.MAX_VALUE, windowBytes / rowBytes));
            final MappedByteBuffer[] mapped = map(channel, header, rowsPerWindow, rowBytes);
            if (verify)
            {
                verify(mapped, entry, file);
            }
            final FloatBuffer[] windows = new FloatBuffer[mapped.length];
            for (int w = 0; w < mapped.length; w++)
            {
                windows[w] = mapped[w].order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            }
            return new ShardFile(file, header, rowsPerWindow, windows);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading shard file " + file, ex);
        }
    }

    /**
     * Copy one row's features and targets to the destinations' positions, advancing them.
     *
     * @param row      row within this file, {@code 0..rows-1}.
     * @param features destination of {@code numFeatures} floats.
     * @param targets  destination of {@code numOutputs} floats.
     */
    void copyRow(final long row, final FloatBuffer features, final FloatBuffer targets)
    {
        final FloatBuffer window = windows[(int)(row / rowsPerWindow)];
        final int base = (int)(row % rowsPerWindow) * header.rowFloats();
        final int featuresAt = features.position();
        features.put(featuresAt, window, base, header.numFeatures()).position(featuresAt + header.numFeatures());
        final int targetsAt = targets.position();
        targets.put(targetsAt, window, base + header.numFeatures(), header.numOutputs())
            .position(targetsAt + header.numOutputs());
    }

    /**
     * @param row row within this file.
     * @return the index of the row's largest target (its class, for one-hot targets).
     */
    int argMaxTarget(final long row)
    {
        final FloatBuffer window = windows[(int)(row / rowsPerWindow)];
        final int base = (int)(row % rowsPerWindow) * header.rowFloats() + header.numFeatures();
        int best = 0;
        for (int c = 1; c < header.numOutputs(); c++)
        {
            if (window.get(base + c) > window.get(base + best))
            {
                best = c;
            }
        }
        return best;
    }

    /**
     * @return the file.
     */
    Path file()
    {
        return file;
    }

    private static ShardHeader readHeader(final FileChannel channel, final Path file) throws IOException
    {
        if (channel.size() < ShardFormat.HEADER_BYTES)
        {
            throw new BadInputException("shard file " + file + " is truncated: " + channel.size() +
                " bytes, shorter than its " + ShardFormat.HEADER_BYTES + "-byte header; re-create the shard set");
        }
        final ByteBuffer bytes = ByteBuffer.allocate(ShardFormat.HEADER_BYTES);
        while (bytes.hasRemaining())
        {
            channel.read(bytes, bytes.position());
        }
        return ShardFormat.decode(bytes, file);
    }

    private static MappedByteBuffer[] map(
        final FileChannel channel, final ShardHeader header, final int rowsPerWindow, final long rowBytes)
        throws IOException
    {
        final int count = (int)((header.rows() + rowsPerWindow - 1) / rowsPerWindow);
        final MappedByteBuffer[] mapped = new MappedByteBuffer[count];
        for (int w = 0; w < count; w++)
        {
            final long firstRow = (long)w * rowsPerWindow;
            final long rows = Math.min(rowsPerWindow, header.rows() - firstRow);
            mapped[w] = channel.map(FileChannel.MapMode.READ_ONLY, ShardFormat.HEADER_BYTES + firstRow * rowBytes,
                rows * rowBytes);
        }
        return mapped;
    }

    private static void verify(final MappedByteBuffer[] mapped, final ShardEntry entry, final Path file)
    {
        final CRC32C crc = new CRC32C();
        for (final MappedByteBuffer window : mapped)
        {
            crc.update(window.duplicate());
        }
        if (crc.getValue() != entry.crc32c())
        {
            throw new BadInputException(String.format("shard file %s is corrupt: its CRC32C is %08x, %s says %08x; " +
                "re-create the shard set", file, crc.getValue(), ShardFormat.MANIFEST, entry.crc32c()));
        }
    }
}
