package io.descent.data.shard;

import io.descent.nn.error.BadInputException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The on-disk layout of a shard set. A shard set is a directory:
 * <pre>
 *   manifest.json          version, task, shapes, names, rows, per-shard rows/bytes/CRC32C, statistics, scaling
 *   shard-00000.bin        header + rows [0, rowsPerShard)
 *   shard-00001.bin        header + rows [rowsPerShard, 2·rowsPerShard)
 *   …                      (the last shard may hold fewer rows)
 * </pre>
 * A shard file is a 64-byte little-endian header followed by {@code rows × (numFeatures + numOutputs)} little-endian
 * float32 values, row-major, each row its features then its targets (one-hot for classification):
 * <pre>
 *   offset  size  field
 *        0     8  magic "DSCNTSHD" (ASCII)
 *        8     4  version (int32, currently 1)
 *       12     4  shard index (int32)
 *       16     8  rows (int64)
 *       24     4  numFeatures (int32)
 *       28     4  numOutputs (int32)
 *       32     4  header bytes (int32, 64)
 *       36    28  zero
 * </pre>
 * The CRC32C of a shard (in the manifest) covers the float payload after the header. Stateless.
 */
public final class ShardFormat
{
    /** The manifest's file name inside a shard set. */
    public static final String MANIFEST = "manifest.json";
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    /** Size of a shard file's header, in bytes; a multiple of 4 so the floats stay aligned. */
    public static final int HEADER_BYTES = 64;

    private static final byte[] MAGIC = "DSCNTSHD".getBytes(StandardCharsets.US_ASCII);

    private ShardFormat()
    {
    }

    /**
     * @param index shard index, from 0.
     * @return the file name of that shard, e.g. {@code shard-00003.bin}.
     */
    public static String fileName(final int index)
    {
        return String.format("shard-%05d.bin", index);
    }

    /**
     * @param header the header to write.
     * @return a little-endian buffer of {@link #HEADER_BYTES} bytes, positioned at 0.
     */
    public static ByteBuffer encode(final ShardHeader header)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC)
            .putInt(header.version())
            .putInt(header.index())
            .putLong(header.rows())
            .putInt(header.numFeatures())
            .putInt(header.numOutputs())
            .putInt(HEADER_BYTES);
        return buffer.position(0);
    }

    /**
     * @param buffer the first {@link #HEADER_BYTES} bytes of a file, from position 0.
     * @param file   the file, for messages.
     * @return the header.
     * @throws BadInputException naming the file if it is not a Descent shard or has an unsupported version.
     */
    public static ShardHeader decode(final ByteBuffer buffer, final Path file)
    {
        final ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(0);
        final byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC))
        {
            throw new BadInputException("shard file " + file + " is not a Descent shard file (its first bytes are " +
                "not \"DSCNTSHD\"); re-create the shard set with 'descent data shard'");
        }
        final int version = in.getInt();
        if (version != VERSION)
        {
            throw new BadInputException("shard file " + file + " has format version " + version + "; this build " +
                "reads version " + VERSION + "; re-create the shard set with this version's 'descent data shard'");
        }
        final int index = in.getInt();
        final long rows = in.getLong();
        final int numFeatures = in.getInt();
        final int numOutputs = in.getInt();
        final int headerBytes = in.getInt();
        if (headerBytes != HEADER_BYTES || rows < 0 || numFeatures < 1 || numOutputs < 1)
        {
            throw new BadInputException("shard file " + file + " has a damaged header (rows " + rows +
                ", features " + numFeatures + ", outputs " + numOutputs + ", header bytes " + headerBytes +
                "); re-create the shard set");
        }
        return new ShardHeader(version, index, rows, numFeatures, numOutputs);
    }
}
