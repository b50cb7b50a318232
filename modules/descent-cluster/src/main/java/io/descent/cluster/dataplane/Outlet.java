package io.descent.cluster.dataplane;

import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;

/**
 * Sends dense buffers to one peer. Not thread-safe: one thread sends.
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

    /** @return payload bytes sent so far. */
    long bytesSent();

    @Override
    void close();
}
