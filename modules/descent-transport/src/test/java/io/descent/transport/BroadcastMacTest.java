package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broadcast (the same bytes to several receivers, each over its own session) with shared {@link BroadcastTags}: each
 * chunk is MAC'd once for every receiver and every receiver gets the bytes bitwise; from the hostile side, the
 * broadcast flag cannot be set on a chunk tagged for one session nor cleared on a broadcast one, and a broadcast chunk
 * replayed to another receiver of the broadcast is taken only as the bytes its sender sends that receiver anyway.
 */
class BroadcastMacTest
{
    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("sender.chunk-length = 4k");

    private static final int CHUNK = 4096;
    private static final int SIZE = 6 * CHUNK + 100;
    private static final int CHUNKS = 7;
    private static final int SERVER = -1;
    private static final DataKey KEY = DataKey.derive(
        "a cluster key of at least sixteen bytes".getBytes(StandardCharsets.UTF_8), 77, "descent data-plane v2");

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldTagEachChunkOnceForEveryReceiverAndDeliverBitwise(final ChunkAuth auth)
    {
        try (Link first = new Link(TRANSPORT.transport(), Link.Medium.IPC, true);
            Link second = new Link(TRANSPORT.transport(), Link.Medium.UDP, true))
        {
            final BufferSender[] senders = { keyed(first, first.newSender(), auth), keyed(second, second.newSender(),
                auth) };
            final BroadcastTags tags = new BroadcastTags();
            final UnsafeBuffer source = Payloads.random(SIZE, 1);
            for (final long version : new long[]{ 3, 4 })
            {
                tags.reset();
                final UnsafeBuffer[] destinations = { Payloads.filled(SIZE, (byte)0x5A),
                    Payloads.filled(SIZE, (byte)0x5A) };
                final ReceiveSlot[] slots = { expect(first, weights(version), destinations[0]),
                    expect(second, weights(version), destinations[1]) };
                sendAll(senders, weights(version), source, tags);
                for (int i = 0; i < 2; i++)
                {
                    awaitOutcome(slots[i]);
                    assertEquals(ReceiveSlot.State.COMPLETE, slots[i].state(), slots[i]::describeMissing);
                    assertEquals(-1L, Payloads.mismatch(source, 0, destinations[i], 0, SIZE), "receiver " + i);
                }
            }
            assertEquals(2 * CHUNKS, tags.computed(), "each chunk of the two messages tagged once");
            assertEquals(2 * CHUNKS, tags.reused(), "and its tag reused by the other sender");
            for (final Link link : List.of(first, second))
            {
                assertEquals(0, link.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
                assertEquals(2 * CHUNKS, link.receiver.counters().get(ReceiverCounter.CHUNKS));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldRejectTheBroadcastFlagSetOrClearedOnTheWay(final ChunkAuth auth)
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            final TappedSink[] tap = new TappedSink[1];
            final BufferSender sender = keyed(link, link.newSender(sink -> tap[0] = new TappedSink(sink)), auth);
            final UnsafeBuffer source = Payloads.random(SIZE, 2);
            final UnsafeBuffer broadcastDestination = Payloads.filled(SIZE, (byte)0x5A);
            final UnsafeBuffer unicastDestination = Payloads.filled(SIZE, (byte)0x5A);
            final ReceiveSlot broadcast = expect(link, weights(1), broadcastDestination);
            final ReceiveSlot unicast = expect(link, weights(2), unicastDestination);
            // Each real chunk follows a copy with the flag flipped: a broadcast one cleared, the other one set.
            tap[0].tamperEach(chunk ->
            {
                final ChunkHeader header = new ChunkHeader().wrap(chunk, 0);
                header.flags((byte)(header.flags() ^ ChunkHeader.FLAG_BROADCAST));
            });
            sendAll(new BufferSender[]{ sender }, weights(1), source, new BroadcastTags());
            assertEquals(SendResult.SENT, sender.send(weights(2), source, 0, SIZE, deadline()));
            awaitOutcome(broadcast);
            awaitOutcome(unicast);

            for (final UnsafeBuffer chunk : tap[0].recorded())
            {
                final ChunkHeader header = new ChunkHeader().wrap(chunk, 0);
                assertEquals(header.step() == 1, header.isBroadcast(), "the real chunks' flags");
            }
            assertEquals(ReceiveSlot.State.COMPLETE, broadcast.state(), broadcast::describeMissing);
            assertEquals(ReceiveSlot.State.COMPLETE, unicast.state(), unicast::describeMissing);
            assertEquals(-1L, Payloads.mismatch(source, 0, broadcastDestination, 0, SIZE));
            assertEquals(-1L, Payloads.mismatch(source, 0, unicastDestination, 0, SIZE));
            assertEquals(2 * CHUNKS, link.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
            assertEquals(2 * CHUNKS, link.receiver.counters().get(ReceiverCounter.CHUNKS));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldTakeABroadcastChunkReplayedToAnotherReceiverOnlyAsTheSameBytes(final ChunkAuth auth)
    {
        try (Link first = new Link(TRANSPORT.transport(), Link.Medium.IPC, true);
            Link second = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            final TappedSink[] taps = new TappedSink[2];
            final BufferSender[] senders = {
                keyed(first, first.newSender(sink -> taps[0] = new TappedSink(sink)), auth),
                keyed(second, second.newSender(sink -> taps[1] = new TappedSink(sink)), auth) };
            final UnsafeBuffer source = Payloads.random(SIZE, 3);
            final UnsafeBuffer destination = Payloads.filled(SIZE, (byte)0x5A);
            final ReceiveSlot slot = expect(second, weights(5), destination);
            final ReceiveSlot firstSlot = expect(first, weights(5), Payloads.filled(SIZE, (byte)0));
            final BroadcastTags tags = new BroadcastTags();
            tags.reset();
            senders[0].begin(weights(5), source, 0, SIZE, deadline(), tags);
            awaitSent(senders[0]);
            awaitOutcome(firstSlot);
            // What the first receiver got, injected on the second receiver's session before its own copy.
            for (final UnsafeBuffer chunk : taps[0].recorded())
            {
                taps[1].replay(chunk);
            }
            TestTransports.await(() -> slot.state() == ReceiveSlot.State.COMPLETE, Duration.ofSeconds(10),
                "the replayed broadcast delivered");
            senders[1].begin(weights(5), source, 0, SIZE, deadline(), tags);
            awaitSent(senders[1]);

            assertEquals(-1L, Payloads.mismatch(source, 0, destination, 0, SIZE), "the bytes the sender sends it");
            assertEquals(0, second.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
            assertEquals(CHUNKS, tags.computed());
            assertEquals(sequences(taps[0]), sequences(taps[1]), "one nonce per chunk, the same in both copies");
            assertEquals(CHUNKS, sequences(taps[0]).size());
        }
    }

    private static Set<Long> sequences(final TappedSink tap)
    {
        final Set<Long> sequences = new HashSet<>();
        for (final UnsafeBuffer chunk : tap.recorded())
        {
            sequences.add(new ChunkHeader().wrap(chunk, 0).sequence());
        }
        return sequences;
    }

    private static void sendAll(
        final BufferSender[] senders, final MessageId id, final UnsafeBuffer source, final BroadcastTags tags)
    {
        for (final BufferSender sender : senders)
        {
            sender.begin(id, source, 0, SIZE, deadline(), tags);
        }
        // Interleaved, as a FanOutSender does: whichever sender reaches a chunk first tags it.
        boolean busy = true;
        while (busy)
        {
            busy = false;
            for (final BufferSender sender : senders)
            {
                final SendResult result = sender.progress();
                assertTrue(result == SendResult.SENT || result == SendResult.PENDING, result::name);
                busy |= result == SendResult.PENDING;
            }
        }
    }

    private static void awaitSent(final BufferSender sender)
    {
        SendResult result;
        while ((result = sender.progress()) == SendResult.PENDING)
        {
            Thread.onSpinWait();
        }
        assertEquals(SendResult.SENT, result);
    }

    private static BufferSender keyed(final Link link, final BufferSender sender, final ChunkAuth auth)
    {
        sender.authenticate(auth, KEY);
        link.receiver.authenticate(auth, KEY);
        link.receiver.bindSession(SERVER, sender.sessionId());
        return sender;
    }

    private static MessageId weights(final long version)
    {
        return new MessageId(99L, 42L, MessageKind.WEIGHTS, version, SERVER, 0, SIZE / Float.BYTES);
    }

    private static ReceiveSlot expect(final Link link, final MessageId id, final UnsafeBuffer destination)
    {
        final ReceiveSlot slot = new ReceiveSlot().expect(id, destination, 0, destination.capacity(), deadline());
        assertTrue(link.receiver.register(slot));
        return slot;
    }

    private static void awaitOutcome(final ReceiveSlot slot)
    {
        TestTransports.await(() -> slot.state() != ReceiveSlot.State.ACTIVE &&
            slot.state() != ReceiveSlot.State.PENDING, Duration.ofSeconds(30), "the message's outcome");
    }

    private static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }
}
