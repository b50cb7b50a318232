package io.descent.data.shard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one shard file: the header, then rows through a 1 MiB direct buffer, with the payload's CRC32C computed on
 * the way. The caller owns the lifecycle ({@link #finish} then {@link #close}, or {@link #close} alone on failure).
 * Not thread-safe.
 */
final class ShardFileWriter implements AutoCloseable
{
    private static final int BUFFER_BYTES = 1 << 20;

    private final Path file;
    private final ShardHeader header;
    private final FileChannel channel;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final CRC32C crc = new CRC32C();
    private long rowsWritten;

    /**
     * @param file   the file to create (must not exist).
     * @param header its header; {@code rows} must be written before {@link #finish}.
     * @throws IOException if the file cannot be created.
     */
    ShardFileWriter(final Path file, final ShardHeader header) throws IOException
    {
        this.file = file;
        this.header = header;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeFully(ShardFormat.encode(header));
        final int rowBytes = header.rowFloats() * Float.BYTES;
        this.bytes = ByteBuffer.allocateDirect(Math.max(1, BUFFER_BYTES / rowBytes) * rowBytes)
            .order(ByteOrder.LITTLE_ENDIAN);
        this.floats = bytes.asFloatBuffer();
    }

    /**
     * Append one row.
     *
     * @param features     array holding the row's features.
     * @param featuresFrom index of the first feature.
     * @param targets      array holding the row's targets.
     * @param targetsFrom  index of the first target.
     * @throws IOException if writing fails.
     */
    void write(final float[] features, final int featuresFrom, final float[] targets, final int targetsFrom)
        throws IOException
    {
        if (rowsWritten == header.rows())
        {
            throw new IllegalStateException(file + " already holds its " + header.rows() + " rows");
        }
        if (floats.remaining() < header.rowFloats())
        {
            flush();
        }
        floats.put(features, featuresFrom, header.numFeatures());
        floats.put(targets, targetsFrom, header.numOutputs());
        rowsWritten++;
    }

    /**
     * @return rows this file must hold.
     */
    long expectedRows()
    {
        return header.rows();
    }

    /**
     * Flush, force to disk and describe the file for the manifest.
     *
     * @return the manifest entry.
     * @throws IOException if writing fails.
     */
    ShardEntry finish() throws IOException
    {
        if (rowsWritten != header.rows())
        {
            throw new IllegalStateException(file + " got " + rowsWritten + " rows, its header says " + header.rows());
        }
        flush();
        channel.force(true);
        return new ShardEntry(file.getFileName().toString(), header.rows(), channel.size(), crc.getValue());
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    private void flush() throws IOException
    {
        bytes.limit(floats.position() * Float.BYTES).position(0);
        crc.update(bytes.duplicate());
        writeFully(bytes);
        bytes.clear();
        floats.clear();
    }

    private void writeFully(final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }
}
