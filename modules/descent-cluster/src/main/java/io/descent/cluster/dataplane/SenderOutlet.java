package io.descent.cluster.dataplane;

import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.send.SenderCounter;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;

/** An {@link Outlet} over one descent-transport {@link BufferSender}, which it owns. Not thread-safe: one thread sends. */
public final class SenderOutlet implements Outlet
{
    private final BufferSender sender;

    /** @param sender the sender to the peer; closed with this outlet. */
    public SenderOutlet(final BufferSender sender)
    {
        this.sender = sender;
    }

    @Override
    public SendResult send(final MessageId id, final DirectBuffer source, final long deadlineNs)
    {
        return sender.send(id, source, 0, id.byteLength(), deadlineNs);
    }

    @Override
    public SendResult send(final MessageId id, final DirectBuffer source, final int length, final long deadlineNs)
    {
        return sender.send(id, source, 0, length, deadlineNs);
    }

    @Override
    public void begin(final MessageId id, final DirectBuffer source, final long deadlineNs)
    {
        sender.begin(id, source, 0, id.byteLength(), deadlineNs);
    }

    @Override
    public void begin(final MessageId id, final DirectBuffer source, final long deadlineNs, final BroadcastTags tags)
    {
        sender.begin(id, source, 0, id.byteLength(), deadlineNs, tags);
    }

    @Override
    public void begin(
        final MessageId id, final DirectBuffer source, final int length, final long deadlineNs,
        final BroadcastTags tags)
    {
        sender.begin(id, source, 0, length, deadlineNs, tags);
    }

    @Override
    public void ready(final int bytes)
    {
        sender.ready(bytes);
    }

    @Override
    public SendResult progress()
    {
        return sender.progress();
    }

    @Override
    public boolean abandon()
    {
        return sender.abandon();
    }

    @Override
    public int sessionId()
    {
        return sender.sessionId();
    }

    @Override
    public long bytesSent()
    {
        return sender.counters().get(SenderCounter.BYTES);
    }

    @Override
    public void close()
    {
        sender.close();
    }
}
