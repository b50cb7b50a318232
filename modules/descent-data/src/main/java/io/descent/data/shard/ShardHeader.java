package io.descent.data.shard;

/**
 * The fixed header at the start of every shard file (see {@link ShardFormat}).
 *
 * @param version     format version of the file.
 * @param index       the shard's position in its set, from 0.
 * @param rows        rows stored in this file.
 * @param numFeatures feature floats per row.
 * @param numOutputs  target floats per row.
 */
public record ShardHeader(int version, int index, long rows, int numFeatures, int numOutputs)
{
    /**
     * @return floats per row: features then targets.
     */
    public int rowFloats()
    {
        return numFeatures + numOutputs;
    }

    /**
     * @return the exact size the file must have, in bytes.
     */
    public long fileBytes()
    {
        return ShardFormat.HEADER_BYTES + rows * rowFloats() * (long)Float.BYTES;
    }
}
