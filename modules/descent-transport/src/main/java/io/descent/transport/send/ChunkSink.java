package io.descent.transport.send;

import org.agrona.DirectBuffer;

/**
 * Where a {@link BufferSender} puts chunks: normally an Aeron publication ({@link PublicationChunkSink}); in tests a
 * decorator that drops, duplicates, reorders or corrupts chunks on their way to it. Single-threaded like the
 * publication behind it.
 */
public interface ChunkSink extends AutoCloseable
{
    /**
     * Offers one chunk: the header followed by the payload, as one message.
     *
     * @param header        the chunk header bytes.
     * @param headerOffset  where they start.
     * @param headerLength  how many.
     * @param payload       the caller's buffer holding the payload; read during the call only.
     * @param payloadOffset where the payload starts.
     * @param payloadLength how many bytes.
     * @return the new stream position (&gt; 0) or an Aeron {@code Publication} result code (&lt; 0).
     */
    long offer(
        DirectBuffer header, int headerOffset, int headerLength,
        DirectBuffer payload, int payloadOffset, int payloadLength);

    /** @return the largest message that fits one frame, in bytes. */
    int maxPayloadLength();

    /** @return the largest message the sink accepts, in bytes. */
    int maxMessageLength();

    /**
     * @return the Aeron session id chunks travel on (a receiver binds a sender to it, and a MAC covers it); 0 for a
     * sink without one.
     */
    default int sessionId()
    {
        return 0;
    }

    /** @return true when at least one subscriber is connected. */
    boolean isConnected();

    /** Closes the underlying publication. */
    @Override
    void close();
}
