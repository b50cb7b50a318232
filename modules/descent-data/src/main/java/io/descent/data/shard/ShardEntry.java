package io.descent.data.shard;

/**
 * One shard file as the manifest lists it.
 *
 * @param file   the file name inside the shard set (no directories).
 * @param rows   rows stored in the file.
 * @param bytes  the file's exact size, header included.
 * @param crc32c CRC32C of the float payload after the header (unsigned 32-bit value).
 */
public record ShardEntry(String file, long rows, long bytes, long crc32c)
{
}
