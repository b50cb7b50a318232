package io.descent.bench.transport;

import io.descent.transport.Channels;
import io.descent.transport.Transport;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveListener;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The Descent transport itself: a {@link BufferSender} on the calling thread, a {@link BufferReceiver} on its agent
 * thread writing into the destination, over IPC or UDP loopback of one embedded driver; with a MAC
 * ({@code ipc-hmac}, {@code ipc-gmac}, ...) every chunk is tagged by the sender and verified by the receiver under a
 * benchmark key, the receiver bound to the sender's session, as a job with a cluster key runs.
 */
final class AeronChannel implements BenchChannel
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);
    /** A listener that ignores outcomes: the benchmark polls the slot's state instead. */
    static final ReceiveListener QUIET = new ReceiveListener()
    {
        @Override
        public void onComplete(final ReceiveSlot slot)
        {
        }

        @Override
        public void onIncomplete(final ReceiveSlot slot)
        {
        }
    };

    private final String name;
    private final BufferReceiver receiver;
    private final AgentRunner agent;
    private final BufferSender sender;
    private final ReceiveSlot slot = new ReceiveSlot();
    private long step;
    private SideCpu sideCpu;

    private AeronChannel(final String name, final Transport transport, final String receiveChannel,
        final int streamId, final ChunkAuth auth)
    {
        this.name = name;
        this.receiver = transport.newReceiver(receiveChannel, streamId, QUIET);
        final String sendChannel = name.startsWith("udp") ?
            transport.channels().udp(Channels.endpointOf(awaitResolved(receiver))) : receiveChannel;
        this.sender = transport.newSender(sendChannel, streamId);
        if (auth.authenticates())
        {
            final DataKey key = DataKey.derive("descent bench transport key".getBytes(StandardCharsets.UTF_8),
                streamId, "descent bench");
            sender.authenticate(auth, key);
            receiver.authenticate(auth, key);
            receiver.bindSession(0, sender.sessionId());
        }
        this.agent = transport.startAgent(receiver);
    }

    /** @return the channel a UDP receiver bound (port 0 resolved), waiting up to 10 s for it. */
    static String awaitResolved(final BufferReceiver receiver)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String resolved;
        while (null == (resolved = receiver.resolvedChannel()))
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("UDP subscription did not bind a port: " + receiver);
            }
            Thread.onSpinWait();
        }
        return resolved;
    }

    static AeronChannel ipc(final Transport transport)
    {
        return ipc(transport, ChunkAuth.CRC_ONLY);
    }

    static AeronChannel udp(final Transport transport)
    {
        return udp(transport, ChunkAuth.CRC_ONLY);
    }

    /** @return IPC with chunks tagged by {@code auth}: named {@code ipc}, {@code ipc-hmac} or {@code ipc-gmac}. */
    static AeronChannel ipc(final Transport transport, final ChunkAuth auth)
    {
        return new AeronChannel("ipc" + suffix(auth), transport, transport.channels().ipc(), 7001 + 10 * auth.code(),
            auth);
    }

    /** @return UDP loopback with chunks tagged by {@code auth}: {@code udp}, {@code udp-hmac} or {@code udp-gmac}. */
    static AeronChannel udp(final Transport transport, final ChunkAuth auth)
    {
        return new AeronChannel("udp" + suffix(auth), transport, transport.channels().udp("127.0.0.1:0"),
            7002 + 10 * auth.code(), auth);
    }

    /** @return the channel-name suffix of a MAC: "" (CRC only), "-hmac", "-gmac", "-poly". */
    static String suffix(final ChunkAuth auth)
    {
        return auth.authenticates() ? "-" + macName(auth) : "";
    }

    /** @return a MAC's short name in channel names: "hmac", "gmac" or "poly" (ChaCha20-Poly1305). */
    static String macName(final ChunkAuth auth)
    {
        return switch (auth)
        {
            case CRC_ONLY -> throw new IllegalArgumentException("crc-only is not a MAC");
            case HMAC_SHA256 -> "hmac";
            case AES_GMAC -> "gmac";
            case CHACHA20_POLY1305 -> "poly";
        };
    }

    /** @return the MAC whose short name is {@code name} ({@link #macName}), or null. */
    static ChunkAuth macNamed(final String name)
    {
        for (final ChunkAuth auth : ChunkAuth.values())
        {
            if (auth.authenticates() && macName(auth).equals(name))
            {
                return auth;
            }
        }
        return null;
    }

    @Override
    public String name()
    {
        return name;
    }

    /** @return payload bytes per chunk this channel's sender uses. */
    int chunkLength()
    {
        return sender.chunkLength();
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        final MessageId id = new MessageId(1L, 1L, MessageKind.GRADIENT, step++, 0, 0, length / Float.BYTES);
        slot.expect(id, destination, 0, length, System.nanoTime() + TIMEOUT_NS);
        if (!receiver.register(slot))
        {
            throw new IllegalStateException("receiver refused the registration");
        }
        final SideCpu sides = cpu();
        if (null != sides)
        {
            sides.start();
        }
        final long start = System.nanoTime();
        final SendResult result = sender.send(id, source, 0, length, start + TIMEOUT_NS);
        if (null != sides)
        {
            sides.sent();
        }
        if (!result.isSent())
        {
            throw new IllegalStateException(name + " send of " + length + " bytes failed: " + result);
        }
        ReceiveSlot.State state;
        while ((state = slot.state()) == ReceiveSlot.State.ACTIVE || state == ReceiveSlot.State.PENDING)
        {
            Thread.onSpinWait();
        }
        final long elapsed = System.nanoTime() - start;
        if (null != sides)
        {
            sides.received();
        }
        if (state != ReceiveSlot.State.COMPLETE)
        {
            throw new IllegalStateException(name + " message incomplete: " + slot.describeMissing() +
                "; receiver counters " + receiver.counters());
        }
        return elapsed;
    }

    /** @return the sides' CPU time, once the receiver's agent thread has started; null before or when unsupported. */
    @Override
    public SideCpu cpu()
    {
        if (null == sideCpu && SideCpu.supported() && null != agent.thread())
        {
            sideCpu = new SideCpu(agent.thread());
        }
        return sideCpu;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(sender, agent);
    }
}
