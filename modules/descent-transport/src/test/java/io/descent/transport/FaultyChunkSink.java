package io.descent.transport;

import io.descent.transport.send.ChunkSink;
import io.descent.transport.wire.ChunkHeader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * Fault injection between a sender and its publication: per chunk index, pass, drop, duplicate, hold back (sent
 * after the next chunk: reorder), corrupt a payload or header byte, or corrupt and then resend intact.
 */
public final class FaultyChunkSink implements ChunkSink
{
    /** What happens to one chunk. */
    public enum Fault
    {
        PASS, DROP, DUPLICATE, HOLD, CORRUPT_PAYLOAD, CORRUPT_HEADER, CORRUPT_THEN_RESEND
    }

    private final ChunkSink delegate;
    private final IntFunction<Fault> plan;
    private final ChunkHeader header = new ChunkHeader();
    private final UnsafeBuffer heldHeader = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
    private final UnsafeBuffer scratchHeader = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
    private UnsafeBuffer heldPayload = new UnsafeBuffer(ByteBuffer.allocateDirect(1));
    private UnsafeBuffer scratchPayload = new UnsafeBuffer(ByteBuffer.allocateDirect(1));
    private int heldLength = -1;

    /**
     * @param delegate the real sink.
     * @param plan     the fault for each chunk index.
     */
    public FaultyChunkSink(final ChunkSink delegate, final IntFunction<Fault> plan)
    {
        this.delegate = delegate;
        this.plan = plan;
    }

    @Override
    public long offer(
        final DirectBuffer headerBuffer, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        final int index = header.wrap(headerBuffer, headerOffset).chunkIndex();
        final long result;
        switch (plan.apply(index))
        {
            case DROP:
                return 1;
            case DUPLICATE:
                result = offerAll(headerBuffer, headerOffset, headerLength, payload, payloadOffset, payloadLength);
                offerAll(headerBuffer, headerOffset, headerLength, payload, payloadOffset, payloadLength);
                break;
            case HOLD:
                heldHeader.putBytes(0, headerBuffer, headerOffset, headerLength);
                heldPayload = ensure(heldPayload, payloadLength);
                heldPayload.putBytes(0, payload, payloadOffset, payloadLength);
                heldLength = payloadLength;
                return 1;
            case CORRUPT_PAYLOAD:
                return offerCorrupted(headerBuffer, headerOffset, payload, payloadOffset, payloadLength, false);
            case CORRUPT_HEADER:
                return offerCorrupted(headerBuffer, headerOffset, payload, payloadOffset, payloadLength, true);
            case CORRUPT_THEN_RESEND:
                offerCorrupted(headerBuffer, headerOffset, payload, payloadOffset, payloadLength, false);
                result = offerAll(headerBuffer, headerOffset, headerLength, payload, payloadOffset, payloadLength);
                break;
            case PASS:
            default:
                result = offerAll(headerBuffer, headerOffset, headerLength, payload, payloadOffset, payloadLength);
                break;
        }
        if (heldLength >= 0)
        {
            final int length = heldLength;
            heldLength = -1;
            offerAll(heldHeader, 0, ChunkHeader.LENGTH, heldPayload, 0, length);
        }
        return result;
    }

    private long offerCorrupted(
        final DirectBuffer headerBuffer, final int headerOffset,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength, final boolean inHeader)
    {
        scratchHeader.putBytes(0, headerBuffer, headerOffset, ChunkHeader.LENGTH);
        scratchPayload = ensure(scratchPayload, payloadLength);
        scratchPayload.putBytes(0, payload, payloadOffset, payloadLength);
        if (inHeader || payloadLength == 0)
        {
            scratchHeader.putByte(3, (byte)(scratchHeader.getByte(3) ^ 0x10));
        }
        else
        {
            final int at = payloadLength / 2;
            scratchPayload.putByte(at, (byte)(scratchPayload.getByte(at) ^ 0x01));
        }
        return offerAll(scratchHeader, 0, ChunkHeader.LENGTH, scratchPayload, 0, payloadLength);
    }

    private long offerAll(
        final DirectBuffer headerBuffer, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        long result;
        final long deadline = System.nanoTime() + 10_000_000_000L;
        do
        {
            result = delegate.offer(headerBuffer, headerOffset, headerLength, payload, payloadOffset, payloadLength);
        }
        while (result < 0 && System.nanoTime() - deadline < 0 && result != -4);
        return result;
    }

    private static UnsafeBuffer ensure(final UnsafeBuffer buffer, final int length)
    {
        return buffer.capacity() >= length ? buffer : new UnsafeBuffer(ByteBuffer.allocateDirect(length));
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
    public boolean isConnected()
    {
        return delegate.isConnected();
    }

    @Override
    public int sessionId()
    {
        return delegate.sessionId();
    }

    @Override
    public void close()
    {
        delegate.close();
    }
}
