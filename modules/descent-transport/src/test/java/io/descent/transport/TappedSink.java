package io.descent.transport;

import io.descent.transport.send.ChunkSink;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.ChunkMac;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink as an attacker on the path sees it, for tests: records every chunk that passes (to replay later, through
 * this or another sink), and can slip a forged chunk in before a real one (the real chunk's header and tag with a
 * changed payload, optionally re-tagged under a MAC the attacker holds). Single-threaded like the sender.
 */
final class TappedSink implements ChunkSink
{
    private final ChunkSink delegate;
    private final List<UnsafeBuffer> recorded = new ArrayList<>();
    /** Chunk index (counted from creation) → the MAC to re-tag its forgery with (null: keep the real tag). */
    private final java.util.Map<Integer, ChunkMac> forgeries = new java.util.HashMap<>();
    private int chunks;
    /** Changes a copy of each real chunk, offered before it; null: none. */
    private java.util.function.Consumer<UnsafeBuffer> tamper;

    TappedSink(final ChunkSink delegate)
    {
        this.delegate = delegate;
    }

    /**
     * Before real chunk {@code index} (counted from now), offers a forgery of it: same header (job id, key id, step),
     * one payload byte flipped, and the real tag, or a tag computed with {@code mac} (a wrong key) when not null.
     */
    void forgeBefore(final int index, final ChunkMac mac)
    {
        forgeries.put(chunks + index, mac);
    }

    /** Before each real chunk from now on, offers a copy of it changed by {@code change} (null: stop). */
    void tamperEach(final java.util.function.Consumer<UnsafeBuffer> change)
    {
        tamper = change;
    }

    /** @return copies of the chunks that passed (header then payload). */
    List<UnsafeBuffer> recorded()
    {
        return recorded;
    }

    /** Offers a recorded chunk again, as it was, retrying while refused. @return the offer result. */
    long replay(final UnsafeBuffer chunk)
    {
        return offerRetrying(chunk, 0, ChunkHeader.LENGTH, chunk, ChunkHeader.LENGTH,
            chunk.capacity() - ChunkHeader.LENGTH);
    }

    @Override
    public long offer(
        final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        if (forgeries.containsKey(chunks))
        {
            final ChunkMac forgerMac = forgeries.remove(chunks);
            final UnsafeBuffer forged = copy(header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
            final int at = headerLength + Math.max(0, payloadLength / 2 - 1);
            forged.putByte(at, (byte)(forged.getByte(at) ^ 0x40));
            if (null != forgerMac)
            {
                final ChunkHeader view = new ChunkHeader().wrap(forged, 0);
                forgerMac.begin(delegate.sessionId(), view, false)
                    .update(forged, headerLength, payloadLength)
                    .sign(forged, 0);
            }
            replay(forged);
        }
        if (null != tamper)
        {
            final UnsafeBuffer changed = copy(header, headerOffset, headerLength, payload, payloadOffset,
                payloadLength);
            tamper.accept(changed);
            replay(changed);
        }
        final long result = delegate.offer(header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
        if (result > 0)
        {
            chunks++;
            recorded.add(copy(header, headerOffset, headerLength, payload, payloadOffset, payloadLength));
        }
        return result;
    }

    private long offerRetrying(
        final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        long result;
        do
        {
            result = delegate.offer(header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
        }
        while (result < 0 && System.nanoTime() - deadline < 0);
        return result;
    }

    private static UnsafeBuffer copy(
        final DirectBuffer header, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        final UnsafeBuffer chunk = new UnsafeBuffer(ByteBuffer.allocateDirect(headerLength + payloadLength));
        chunk.putBytes(0, header, headerOffset, headerLength);
        chunk.putBytes(headerLength, payload, payloadOffset, payloadLength);
        return chunk;
    }

    @Override
    public int maxPayloadLength()
    {
        return delegate.maxPayloadLength();
    }

    @Override
    public int maxMessageLength()
    {
        return delegate.maxMessageLength();
    }

    @Override
    public int sessionId()
    {
        return delegate.sessionId();
    }

    @Override
    public boolean isConnected()
    {
        return delegate.isConnected();
    }

    @Override
    public void close()
    {
        delegate.close();
    }
}
