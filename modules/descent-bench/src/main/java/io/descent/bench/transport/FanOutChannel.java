package io.descent.bench.transport;

import io.descent.transport.Channels;
import io.descent.transport.Transport;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The weight broadcast: one buffer to {@value #RECEIVERS} UDP receivers, timed until every receiver has all of it.
 * Two forms, to choose between them: {@code mdc} is one multi-destination-cast publication (Aeron sends each frame
 * to every destination), {@code fanout} is one publication per receiver, sent one after the other from the same
 * thread, as a parameter server would.
 */
final class FanOutChannel implements BenchChannel
{
    static final int RECEIVERS = 2;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    private final String name;
    private final List<BufferReceiver> receivers = new ArrayList<>();
    private final List<AgentRunner> agents = new ArrayList<>();
    private final List<BufferSender> senders = new ArrayList<>();
    private final List<ReceiveSlot> slots = new ArrayList<>();
    private UnsafeBuffer extraDestination;
    private long step;

    private FanOutChannel(final String name, final Transport transport, final int streamId, final boolean mdc)
    {
        this.name = name;
        final List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++)
        {
            final BufferReceiver receiver = transport.newReceiver(transport.channels().udp("127.0.0.1:0"), streamId,
                AeronChannel.QUIET);
            receivers.add(receiver);
            agents.add(transport.startAgent(receiver));
            slots.add(new ReceiveSlot());
            endpoints.add(Channels.endpointOf(AeronChannel.awaitResolved(receiver)));
        }
        if (mdc)
        {
            senders.add(transport.newBroadcastSender(endpoints, streamId));
        }
        else
        {
            for (final String endpoint : endpoints)
            {
                senders.add(transport.newSender(transport.channels().udp(endpoint), streamId));
            }
        }
    }

    static FanOutChannel mdc(final Transport transport)
    {
        return new FanOutChannel("mdc", transport, 7003, true);
    }

    static FanOutChannel fanout(final Transport transport)
    {
        return new FanOutChannel("fanout", transport, 7004, false);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        if (null == extraDestination || extraDestination.capacity() < length)
        {
            extraDestination = new UnsafeBuffer(ByteBuffer.allocateDirect(destination.capacity()));
        }
        final MessageId id = new MessageId(1L, 1L, MessageKind.WEIGHTS, step++, 0, 0, length / Float.BYTES);
        for (int i = 0; i < RECEIVERS; i++)
        {
            slots.get(i).expect(id, i == 0 ? destination : extraDestination, 0, length, System.nanoTime() + TIMEOUT_NS);
            if (!receivers.get(i).register(slots.get(i)))
            {
                throw new IllegalStateException(name + ": receiver " + i + " refused the registration");
            }
        }
        final long start = System.nanoTime();
        for (final BufferSender sender : senders)
        {
            final SendResult result = sender.send(id, source, 0, length, start + TIMEOUT_NS);
            if (!result.isSent())
            {
                throw new IllegalStateException(name + " send of " + length + " bytes failed: " + result);
            }
        }
        for (int i = 0; i < RECEIVERS; i++)
        {
            awaitComplete(i);
        }
        return System.nanoTime() - start;
    }

    private void awaitComplete(final int receiver)
    {
        final ReceiveSlot slot = slots.get(receiver);
        ReceiveSlot.State state;
        while ((state = slot.state()) == ReceiveSlot.State.ACTIVE || state == ReceiveSlot.State.PENDING)
        {
            Thread.onSpinWait();
        }
        if (state != ReceiveSlot.State.COMPLETE)
        {
            throw new IllegalStateException(name + " receiver " + receiver + " incomplete: " + slot.describeMissing());
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(senders);
        CloseHelper.closeAll(agents);
    }
}
