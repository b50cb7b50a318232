package io.descent.bench.transport;

import io.descent.transport.Channels;
import io.descent.transport.Transport;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The weight broadcast: one buffer to {@value #RECEIVERS} UDP receivers, timed until every receiver has all of it.
 * Two forms, to choose between them: {@code mdc} is one multi-destination-cast publication (Aeron sends each frame
 * to every destination), {@code fanout} is one publication per receiver, sent one after the other from the same
 * thread, as a parameter server would. {@code fanout-gmac} is {@code fanout} with AES-GMAC as a job with a cluster key
 * runs it, each chunk tagged once for every receiver ({@link BroadcastTags}); {@code fanout-gmac-each} tags every
 * receiver's copy apart (as before broadcast tags), to show what sharing saves.
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
    /** Shared by the senders of one transfer (MAC'd once), or null: each sender tags its own copy. */
    private final BroadcastTags tags;
    private UnsafeBuffer extraDestination;
    private long step;

    private FanOutChannel(final String name, final Transport transport, final int streamId, final boolean mdc,
        final ChunkAuth auth, final boolean shareTags)
    {
        this.name = name;
        this.tags = shareTags ? new BroadcastTags() : null;
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
        if (auth.authenticates())
        {
            final DataKey key = DataKey.derive("descent bench transport key".getBytes(StandardCharsets.UTF_8),
                streamId, "descent bench");
            for (int i = 0; i < RECEIVERS; i++)
            {
                senders.get(i).authenticate(auth, key);
                receivers.get(i).authenticate(auth, key);
                receivers.get(i).bindSession(-1, senders.get(i).sessionId());
            }
        }
    }

    static FanOutChannel mdc(final Transport transport)
    {
        return new FanOutChannel("mdc", transport, 7003, true, ChunkAuth.CRC_ONLY, false);
    }

    static FanOutChannel fanout(final Transport transport)
    {
        return new FanOutChannel("fanout", transport, 7004, false, ChunkAuth.CRC_ONLY, false);
    }

    /** @return {@code fanout} under AES-GMAC, each chunk tagged once ({@code fanout-gmac}) or per copy. */
    static FanOutChannel fanoutGmac(final Transport transport, final boolean shareTags)
    {
        return new FanOutChannel(shareTags ? "fanout-gmac" : "fanout-gmac-each", transport, shareTags ? 7005 : 7006,
            false, ChunkAuth.AES_GMAC, shareTags);
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
        final MessageId id = new MessageId(1L, 1L, MessageKind.WEIGHTS, step++, -1, 0, length / Float.BYTES);
        for (int i = 0; i < RECEIVERS; i++)
        {
            slots.get(i).expect(id, i == 0 ? destination : extraDestination, 0, length, System.nanoTime() + TIMEOUT_NS);
            if (!receivers.get(i).register(slots.get(i)))
            {
                throw new IllegalStateException(name + ": receiver " + i + " refused the registration");
            }
        }
        final long start = System.nanoTime();
        if (null != tags)
        {
            tags.reset();
        }
        for (final BufferSender sender : senders)
        {
            sender.begin(id, source, 0, length, start + TIMEOUT_NS, tags);
            SendResult result;
            while ((result = sender.progress()) == SendResult.PENDING)
            {
                Thread.onSpinWait();
            }
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
