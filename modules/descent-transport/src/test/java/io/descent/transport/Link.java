package io.descent.transport;

import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.ChunkSink;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/** A receiver (polled by an agent thread, or by the test) and senders on one fresh stream, for tests. */
public final class Link implements AutoCloseable
{
    /** The media a link can use. */
    public enum Medium
    {
        IPC, UDP
    }

    private static final AtomicInteger NEXT_STREAM = new AtomicInteger(1001);

    public final Transport transport;
    public final Recorder recorder = new Recorder();
    public final BufferReceiver receiver;
    public final String senderChannel;
    public final int streamId = NEXT_STREAM.getAndIncrement();
    private final List<BufferSender> senders = new ArrayList<>();
    private AgentRunner agent;

    /**
     * @param transport the transport to use.
     * @param medium    IPC, or UDP on loopback with a free port.
     * @param polled    true to run the receiver on an agent thread; false when the test calls doWork itself.
     */
    public Link(final Transport transport, final Medium medium, final boolean polled)
    {
        this.transport = transport;
        final Channels channels = transport.channels();
        if (medium == Medium.IPC)
        {
            receiver = transport.newReceiver(channels.ipc(), streamId, recorder);
            senderChannel = channels.ipc();
        }
        else
        {
            receiver = transport.newReceiver(channels.udp("127.0.0.1:0"), streamId, recorder);
            final String[] resolved = new String[1];
            TestTransports.await(() -> null != (resolved[0] = receiver.resolvedChannel()), Duration.ofSeconds(10),
                "the UDP subscription to bind a port");
            senderChannel = channels.udp(Channels.endpointOf(resolved[0]));
        }
        if (polled)
        {
            agent = transport.startAgent(receiver);
        }
    }

    /** @return a new sender on this link's stream. */
    public BufferSender newSender()
    {
        return newSender(UnaryOperator.identity());
    }

    /** @return a new sender whose chunks pass through {@code decorator}. */
    public BufferSender newSender(final UnaryOperator<ChunkSink> decorator)
    {
        final BufferSender sender = transport.newSender(senderChannel, streamId, decorator);
        senders.add(sender);
        return sender;
    }

    /** Waits until {@code n} outcomes have been reported. */
    public void awaitOutcomes(final int n, final Duration timeout)
    {
        TestTransports.await(() -> recorder.outcomes() >= n, timeout, n + " receive outcomes");
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(senders);
        if (null != agent)
        {
            agent.close();
        }
        else
        {
            receiver.close();
        }
    }
}
