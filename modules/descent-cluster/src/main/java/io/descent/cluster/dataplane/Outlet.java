package io.descent.cluster.dataplane;

import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;

/**
 * Sends dense buffers to one peer, blocking ({@link #send}) or a chunk at a time without ever waiting
 * ({@link #begin}, {@link #progress}), so that one thread can interleave several peers ({@link FanOutSender}).
 * One message at a time. Not thread-safe: one thread sends.
 */
public interface Outlet extends AutoCloseable
{
    /**
     * Sends {@code id.byteLength()} bytes of {@code source} from offset 0, blocking until they are handed to the
     * data plane or the deadline passes. The source is only read during the call.
     *
     * @param id         the message identity.
     * @param source     the bytes (e.g. {@link Buffers#view} of an INDArray).
     * @param deadlineNs {@code System.nanoTime()} after which to give up.
     * @return {@link SendResult#SENT} or why not.
     */
    SendResult send(MessageId id, DirectBuffer source, long deadlineNs);

    /**
     * Sends the first {@code length} bytes of {@code source}: a message whose length is not {@code id.byteLength()}
     * (a variable-length encoding, {@link io.descent.transport.codec.Compression#isVariableLength()}). Otherwise as
     * {@link #send(MessageId, DirectBuffer, long)}, which this default falls back to when the lengths agree.
     *
     * @throws UnsupportedOperationException when this outlet cannot send a length other than {@code id.byteLength()}.
     */
    default SendResult send(final MessageId id, final DirectBuffer source, final int length, final long deadlineNs)
    {
        if (id.compression().isVariableLength() || length != id.byteLength())
        {
            throw new UnsupportedOperationException("this outlet sends fixed-length messages only: " + id);
        }
        return send(id, source, deadlineNs);
    }

    /**
     * Starts a message without waiting: {@link #progress()} sends it. The source is read by each {@link #progress()}
     * call until the message is done or abandoned: do not change it meanwhile.
     *
     * @param id         the message identity.
     * @param source     its {@code id.byteLength()} bytes from offset 0.
     * @param deadlineNs {@code System.nanoTime()} after which {@link #progress()} gives up.
     * @throws IllegalStateException when another message is still in flight.
     */
    void begin(MessageId id, DirectBuffer source, long deadlineNs);

    /**
     * Starts a message, as {@link #begin(MessageId, DirectBuffer, long)}, that other outlets on this thread send byte
     * for byte the same to their peers: an authenticating outlet tags each chunk once for all of them
     * ({@link BroadcastTags}). An outlet that cannot share tags sends it as any message (this default).
     *
     * @param tags shared by the outlets sending this message.
     */
    default void begin(final MessageId id, final DirectBuffer source, final long deadlineNs, final BroadcastTags tags)
    {
        begin(id, source, deadlineNs);
    }

    /**
     * Starts a message of {@code length} bytes, as {@link #begin(MessageId, DirectBuffer, long, BroadcastTags)}: also
     * one whose length is not {@code id.byteLength()} (a variable-length encoding). This default handles fixed-length
     * messages only.
     *
     * @param length its bytes from offset 0 of {@code source}.
     * @param tags   shared by the outlets sending this message, or null when none shares it.
     * @throws UnsupportedOperationException when this outlet cannot send a length other than {@code id.byteLength()}.
     */
    default void begin(
        final MessageId id, final DirectBuffer source, final int length, final long deadlineNs,
        final BroadcastTags tags)
    {
        if (id.compression().isVariableLength() || length != id.byteLength())
        {
            throw new UnsupportedOperationException("this outlet sends fixed-length messages only: " + id);
        }
        if (null == tags)
        {
            begin(id, source, deadlineNs);
        }
        else
        {
            begin(id, source, deadlineNs, tags);
        }
    }

    /**
     * Says how much of the message in flight its source holds yet, for a caller that writes the source while it is
     * being sent (e.g. encodes it piece by piece): {@link #progress()} reads and sends only what lies within its first
     * {@code bytes} bytes, returning {@link SendResult#PENDING} at the rest, until a later call says more is ready.
     * {@link #begin} makes the whole message ready; call this right after it to hold part of it back.
     *
     * @param bytes the bytes from the start of the message that may be read, at most its length.
     * @throws UnsupportedOperationException when this outlet cannot send a message in pieces (this default).
     */
    default void ready(final int bytes)
    {
        throw new UnsupportedOperationException("this outlet sends a message only whole");
    }

    /**
     * Hands as much of the message in flight to the data plane as it takes now, without waiting.
     *
     * @return {@link SendResult#PENDING} while some of it remains, else its outcome (also {@link SendResult#SENT}
     * when nothing is in flight).
     */
    SendResult progress();

    /**
     * Gives up the message in flight: the peer will not get it complete.
     *
     * @return true when a message was in flight.
     */
    boolean abandon();

    /** @return the Aeron session this outlet's chunks travel on (0 when it has none). */
    default int sessionId()
    {
        return 0;
    }

    /** @return payload bytes sent so far. */
    long bytesSent();

    @Override
    void close();
}
