package io.descent.transport.send;

import io.aeron.ExclusivePublication;
import org.agrona.DirectBuffer;

/**
 * A {@link ChunkSink} over an Aeron {@link ExclusivePublication}: each chunk is one two-part offer (header, payload)
 * copied straight from the caller's buffer into the term buffer. Not thread-safe (an exclusive publication has one
 * writer).
 */
public final class PublicationChunkSink implements ChunkSink
{
    private final ExclusivePublication publication;

    /** @param publication owned by this sink from now on; closed with it. */
    public PublicationChunkSink(final ExclusivePublication publication)
    {
        this.publication = publication;
    }

    /** @return the publication (e.g. to add destinations to a multi-destination-cast publication). */
    public ExclusivePublication publication()
    {
        return publication;
    }

    @Override
    public long offer(
        final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        return publication.offer(header, headerOffset, headerLength, payload, payloadOffset, payloadLength, null);
    }

    @Override
    public int maxPayloadLength()
    {
        return publication.maxPayloadLength();
    }

    @Override
    public int maxMessageLength()
    {
        return publication.maxMessageLength();
    }

    @Override
    public int sessionId()
    {
        return publication.sessionId();
    }

    @Override
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    @Override
    public void close()
    {
        publication.close();
    }
}
