package io.descent.bench.transport;

import io.descent.transport.wire.ChunkAuth;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A data-plane node's per-byte work on one message, without sending it: the chunk tag of every chunk-sized slice (the
 * transport's own {@code ChunkMac} under a bench key, or the CRC32C without a MAC; a receiver's check computes the
 * same tag), with or without the copy that goes with it ({@link MacOnlyChannel}, {@link CrcOnlyChannel}). Not
 * thread-safe.
 */
public final class ChunkTagger
{
    private final MacOnlyChannel mac;
    private final CrcOnlyChannel crc;

    /** @param auth the chunk tag the nodes use: a MAC, or {@link ChunkAuth#CRC_ONLY}. */
    public ChunkTagger(final ChunkAuth auth)
    {
        this.mac = auth.authenticates() ? new MacOnlyChannel(auth) : null;
        this.crc = auth.authenticates() ? null : new CrcOnlyChannel();
    }

    /**
     * Tags {@code length} bytes of {@code source} chunk by chunk and copies each chunk into {@code destination}: what
     * a sender does to a message it publishes, and a receiver to one it checks and copies out.
     */
    public void tagAndCopy(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        if (null != mac)
        {
            mac.transfer(source, destination, length);
        }
        else
        {
            crc.transfer(source, destination, length);
        }
    }

    /** Tags {@code length} bytes of {@code source} chunk by chunk, copying nothing. */
    public void tag(final UnsafeBuffer source, final int length)
    {
        if (null != mac)
        {
            mac.tag(source, length);
        }
        else
        {
            crc.tag(source, length);
        }
    }
}
