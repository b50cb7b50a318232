package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkMac;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data plane from the hostile side: with a key, a receiver takes only chunks with a valid MAC under the current
 * key, on the session bound to their sender; forged, replayed and foreign-session chunks are dropped and counted by
 * reason, and the message arrives bitwise as sent.
 */
class AuthenticatedTransferTest
{
    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("sender.chunk-length = 4k");

    private static final int CHUNK = 4096;
    private static final int SIZE = 6 * CHUNK + 100;
    private static final int CHUNKS = 7;
    private static final byte[] SECRET = "a cluster key of at least sixteen bytes".getBytes(StandardCharsets.UTF_8);
    private static final long INCARNATION = 0x1234_5678_9abc_def0L;
    private static final DataKey KEY = DataKey.derive(SECRET, INCARNATION, "descent data-plane v2");

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldDeliverBitwiseTheSameBuffersUnderAMac(final ChunkAuth auth)
    {
        for (final Link.Medium medium : Link.Medium.values())
        {
            try (Link link = new Link(TRANSPORT.transport(), medium, true))
            {
                final BufferSender sender = keyed(link, link.newSender(), auth, 0);
                for (final int size : new int[]{ 0, 1, CHUNK, SIZE, 2 * 1024 * 1024 })
                {
                    final UnsafeBuffer source = Payloads.random(size, size);
                    final UnsafeBuffer destination = Payloads.filled(size, (byte)0x5A);
                    final ReceiveSlot slot = expect(link, id(0, size, size), destination);
                    assertEquals(SendResult.SENT, sender.send(id(0, size, size), source, 0, size, deadline()));
                    awaitOutcome(slot);
                    assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), slot::describeMissing);
                    assertEquals(-1L, Payloads.mismatch(source, 0, destination, 0, size), "bytes differ");
                }
                assertEquals(0, rejected(link), "nothing rejected: " + link.receiver.counters());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldRejectForgedChunksWithTheRightJobIdAndAWrongMac(final ChunkAuth auth)
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            final TappedSink[] tap = new TappedSink[1];
            final BufferSender sender = keyed(link, link.newSender(sink -> tap[0] = new TappedSink(sink)), auth, 0);
            // One forgery keeps the real tag over a changed payload; one is tagged under a key guessed wrong.
            final DataKey guessed = DataKey.derive("not the cluster key, a guess".getBytes(StandardCharsets.UTF_8),
                INCARNATION, "descent data-plane v2");
            final UnsafeBuffer source = Payloads.random(SIZE, 1);
            final UnsafeBuffer destination = Payloads.filled(SIZE, (byte)0x5A);
            final ReceiveSlot slot = expect(link, id(0, 1, SIZE), destination);
            tap[0].forgeBefore(2, null);
            tap[0].forgeBefore(5, new ChunkMac(auth, guessed));
            assertEquals(SendResult.SENT, sender.send(id(0, 1, SIZE), source, 0, SIZE, deadline()));
            awaitOutcome(slot);

            assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), slot::describeMissing);
            assertEquals(-1L, Payloads.mismatch(source, 0, destination, 0, SIZE), "the step's bytes are the sent ones");
            assertEquals(2, link.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
            assertEquals(CHUNKS, link.receiver.counters().get(ReceiverCounter.CHUNKS));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldRejectChunksReplayedFromAnEarlierIncarnation(final ChunkAuth auth)
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.UDP, true))
        {
            final TappedSink[] tap = new TappedSink[1];
            final BufferSender sender = keyed(link, link.newSender(sink -> tap[0] = new TappedSink(sink)), auth, 0);
            final UnsafeBuffer earlier = Payloads.random(SIZE, 2);
            final ReceiveSlot first = expect(link, id(0, 5, SIZE), Payloads.filled(SIZE, (byte)0));
            assertEquals(SendResult.SENT, sender.send(id(0, 5, SIZE), earlier, 0, SIZE, deadline()));
            awaitOutcome(first);
            final List<UnsafeBuffer> captured = List.copyOf(tap[0].recorded());

            // The job restarts: a new incarnation, a new key; same sender, session and step numbers.
            final DataKey next = DataKey.derive(SECRET, INCARNATION + 1, "descent data-plane v2");
            link.receiver.authenticate(auth, next);
            sender.authenticate(auth, next);
            final UnsafeBuffer source = Payloads.random(SIZE, 3);
            final UnsafeBuffer destination = Payloads.filled(SIZE, (byte)0x5A);
            final ReceiveSlot slot = expect(link, id(0, 5, SIZE), destination);
            for (final UnsafeBuffer chunk : captured)
            {
                tap[0].replay(chunk);
            }
            assertEquals(SendResult.SENT, sender.send(id(0, 5, SIZE), source, 0, SIZE, deadline()));
            awaitOutcome(slot);

            assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), slot::describeMissing);
            assertEquals(-1L, Payloads.mismatch(source, 0, destination, 0, SIZE), "the step's bytes are the sent ones");
            TestTransports.await(() -> link.receiver.counters().get(ReceiverCounter.REJECTED_REPLAY) >= CHUNKS,
                Duration.ofSeconds(10), "every replayed chunk counted");
            assertEquals(CHUNKS, link.receiver.counters().get(ReceiverCounter.REJECTED_REPLAY));
            assertEquals(0, link.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, mode = EnumSource.Mode.EXCLUDE, names = "CRC_ONLY")
    void shouldRejectChunksFromAnUnregisteredSessionOrAnotherRanksSession(final ChunkAuth auth)
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            final TappedSink[] taps = new TappedSink[2];
            final BufferSender rank0 = keyed(link, link.newSender(sink -> taps[0] = new TappedSink(sink)), auth, 0);
            final BufferSender rank1 = keyed(link, link.newSender(sink -> taps[1] = new TappedSink(sink)), auth, 1);
            // An insider with the key but no registration: correct MACs for its own session, sender id 0.
            final BufferSender intruder = link.newSender();
            intruder.authenticate(auth, KEY);

            final UnsafeBuffer source = Payloads.random(SIZE, 4);
            final UnsafeBuffer other = Payloads.random(SIZE, 5);
            final UnsafeBuffer destination = Payloads.filled(SIZE, (byte)0x5A);
            final UnsafeBuffer otherDestination = Payloads.filled(SIZE, (byte)0x5A);
            final ReceiveSlot slot = expect(link, id(0, 9, SIZE), destination);
            final ReceiveSlot otherSlot = expect(link, id(1, 9, SIZE), otherDestination);
            assertEquals(SendResult.SENT, intruder.send(id(0, 9, SIZE), Payloads.random(SIZE, 6), 0, SIZE,
                deadline()));
            assertEquals(SendResult.SENT, rank1.send(id(1, 9, SIZE), other, 0, SIZE, deadline()));
            awaitOutcome(otherSlot);
            // Rank 1's chunks replayed on rank 0's session: bound to another sender.
            for (final UnsafeBuffer chunk : taps[1].recorded())
            {
                taps[0].replay(chunk);
            }
            assertEquals(SendResult.SENT, rank0.send(id(0, 9, SIZE), source, 0, SIZE, deadline()));
            awaitOutcome(slot);

            assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), slot::describeMissing);
            assertEquals(-1L, Payloads.mismatch(source, 0, destination, 0, SIZE), "rank 0's bytes are its own");
            assertEquals(-1L, Payloads.mismatch(other, 0, otherDestination, 0, SIZE), "rank 1's bytes are its own");
            TestTransports.await(() -> link.receiver.counters().get(ReceiverCounter.REJECTED_UNKNOWN_SESSION) >=
                2 * CHUNKS, Duration.ofSeconds(10), "every foreign chunk counted");
            assertEquals(2 * CHUNKS, link.receiver.counters().get(ReceiverCounter.REJECTED_UNKNOWN_SESSION));
            assertEquals(2 * CHUNKS, link.receiver.counters().get(ReceiverCounter.CHUNKS));
        }
    }

    @Test
    void shouldRejectUnauthenticatedChunksAtAReceiverWithAKey()
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            link.receiver.authenticate(ChunkAuth.HMAC_SHA256, KEY);
            final BufferSender plain = link.newSender();
            link.receiver.bindSession(0, plain.sessionId());
            final ReceiveSlot slot = new ReceiveSlot().expect(id(0, 1, SIZE), Payloads.filled(SIZE, (byte)0x5A), 0,
                SIZE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500));
            link.receiver.register(slot);
            assertEquals(SendResult.SENT, plain.send(id(0, 1, SIZE), Payloads.random(SIZE, 7), 0, SIZE, deadline()));
            awaitOutcome(slot);

            assertEquals(ReceiveSlot.State.INCOMPLETE, slot.state());
            assertEquals(CHUNKS, link.receiver.counters().get(ReceiverCounter.REJECTED_BAD_MAC));
            assertEquals(0, link.receiver.counters().get(ReceiverCounter.CHUNKS));
        }
    }

    @Test
    void shouldDeriveDifferentKeysPerIncarnationAndLabel()
    {
        final DataKey again = DataKey.derive(SECRET, INCARNATION, "descent data-plane v2");
        assertTrue(KEY.sameAs(again));
        assertFalse(KEY.sameAs(DataKey.derive(SECRET, INCARNATION + 1, "descent data-plane v2")));
        assertFalse(KEY.sameAs(DataKey.derive(SECRET, INCARNATION, "another use")));
        assertFalse(KEY.toString().contains("sixteen"));
    }

    private static BufferSender keyed(final Link link, final BufferSender sender, final ChunkAuth auth, final int rank)
    {
        sender.authenticate(auth, KEY);
        link.receiver.authenticate(auth, KEY);
        link.receiver.bindSession(rank, sender.sessionId());
        return sender;
    }

    private static MessageId id(final int sender, final long step, final int size)
    {
        return new MessageId(INCARNATION ^ 99L, 42L, MessageKind.GRADIENT, step, sender, 0, size / Float.BYTES);
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

    private static long rejected(final Link link)
    {
        long sum = 0;
        for (final ReceiverCounter counter : List.of(ReceiverCounter.REJECTED_BAD_MAC,
            ReceiverCounter.REJECTED_UNKNOWN_SESSION, ReceiverCounter.REJECTED_REPLAY, ReceiverCounter.CRC_FAILURES))
        {
            sum += link.receiver.counters().get(counter);
        }
        return sum;
    }

    private static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    }
}
