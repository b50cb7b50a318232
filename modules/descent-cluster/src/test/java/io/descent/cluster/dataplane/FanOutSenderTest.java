package io.descent.cluster.dataplane;

import com.typesafe.config.ConfigFactory;
import io.descent.transport.config.SenderSettings;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.send.SenderCounter;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One thread sending weights and an order to several peers, one of which stops taking chunks: the others get both
 * messages whole and in order, the stalled one holds nobody back, and fails only at its deadline or is abandoned
 * without a failure. Real {@link BufferSender}s over scripted sinks and a clock the test moves.
 */
class FanOutSenderTest
{
    private static final int CHUNK = 256;
    private static final int WEIGHT_FLOATS = 1024;
    private static final int WEIGHT_CHUNKS = WEIGHT_FLOATS * Float.BYTES / CHUNK;
    private static final long DEADLINE = TimeUnit.SECONDS.toNanos(30);
    private static final MessageId WEIGHTS = new MessageId(7L, 9L, MessageKind.WEIGHTS, 5L, -1, 0, WEIGHT_FLOATS);
    private static final DataKey KEY = DataKey.derive(
        "a cluster key of at least sixteen bytes".getBytes(StandardCharsets.UTF_8), 3, "descent data-plane v2");
    private static final MessageId ORDER = new MessageId(7L, 9L, MessageKind.STEP_ORDER, 5L, -1, 0, 8);

    private final List<String> log = new ArrayList<>();
    private final TestClock clock = new TestClock();
    private final UnsafeBuffer weights = new UnsafeBuffer(new byte[WEIGHTS.byteLength()]);
    private final UnsafeBuffer order = new UnsafeBuffer(new byte[ORDER.byteLength()]);
    private final List<String> failures = new ArrayList<>();

    @Test
    void shouldSendToTheOtherPeersWhileOneIsBackPressuredAndFailItOnlyAtItsDeadline()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", Long.MAX_VALUE), sink("p1", 3), sink("p2", Long.MAX_VALUE) };
        final Outlet[] outlets = outlets(sinks);
        final FanOutSender sends = new FanOutSender(3, 2, clock);
        queueStep(sends, outlets);

        assertEquals(1, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)), "only the stalled peer is left");

        for (final int peer : new int[] { 0, 2 })
        {
            assertEquals(step(WEIGHT_CHUNKS), sinks[peer].taken(), "peer " + peer + ": weights, then its order");
            assertFalse(sends.isBusy(peer));
        }
        assertEquals(step(WEIGHT_CHUNKS).subList(0, 3), sinks[1].taken());
        assertTrue(sends.isBusy(1));
        assertEquals(0, sends.collectFailures(this::failed), "not failed before its deadline");

        // Long after the others were done, and until its deadline, the stalled peer only waits.
        clock.set(DEADLINE - TimeUnit.SECONDS.toNanos(1));
        for (int round = 0; round < 100; round++)
        {
            assertEquals(0, sends.progress());
        }
        assertEquals(0, sends.collectFailures(this::failed));

        clock.set(DEADLINE);
        assertEquals(1, sends.progress());
        assertEquals(1, sends.collectFailures(this::failed));
        assertEquals(List.of("1 " + WEIGHTS + " DEADLINE_BACK_PRESSURED"), failures);
        assertEquals(0, sends.busyPeers());
        assertEquals(step(WEIGHT_CHUNKS).subList(0, 3), sinks[1].taken(), "its order is never sent");
        assertEquals(2L * (WEIGHTS.byteLength() + ORDER.byteLength()), sends.bytesSent());
    }

    @Test
    void shouldInterleaveBackPressuredPeersChunkByChunk()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", 0), sink("p1", 0) };
        final Outlet[] outlets = outlets(sinks);
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        sends.add(0, outlets[0], WEIGHTS, weights, DEADLINE);
        sends.add(1, outlets[1], WEIGHTS, weights, DEADLINE);
        for (int round = 0; round < 3; round++)
        {
            sinks[0].allow(1);
            sinks[1].allow(1);
            assertEquals(2, sends.progress(), "both took a chunk in round " + round);
        }
        final List<String> chunks = step(WEIGHT_CHUNKS);
        assertEquals(List.of("p0 " + chunks.get(0), "p1 " + chunks.get(0), "p0 " + chunks.get(1),
            "p1 " + chunks.get(1), "p0 " + chunks.get(2), "p1 " + chunks.get(2)), log);
    }

    @Test
    void shouldAbandonAStalledPeerWithoutAFailureAndSendItTheNextStep()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", Long.MAX_VALUE), sink("p1", 3) };
        final BufferSender stalled = sender(sinks[1]);
        final Outlet[] outlets = { new SenderOutlet(sender(sinks[0])), new SenderOutlet(stalled) };
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        queueStep(sends, outlets);
        assertEquals(1, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));

        assertTrue(sends.abandon(1));

        assertFalse(sends.abandon(1), "nothing left to abandon");
        assertEquals(0, sends.busyPeers());
        assertEquals(0, sends.collectFailures(this::failed), "abandoned is not failed");
        assertEquals(1, stalled.counters().get(SenderCounter.FAILURES));
        sinks[1].allow(Long.MAX_VALUE);
        queueStep(sends, outlets);
        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));
        assertEquals(step(WEIGHT_CHUNKS), sinks[1].taken().subList(3, sinks[1].taken().size()),
            "the next message starts from its first chunk");
    }

    @Test
    void shouldNotSendTheOrderWhenTheWeightsFailed()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", Long.MAX_VALUE), sink("p1", Long.MAX_VALUE) };
        sinks[0].close();
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        queueStep(sends, outlets(sinks));

        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));

        assertEquals(1, sends.collectFailures(this::failed));
        assertEquals(List.of("0 " + WEIGHTS + " CLOSED"), failures);
        assertEquals(List.of(), sinks[0].taken());
        assertEquals(step(WEIGHT_CHUNKS), sinks[1].taken());
    }

    @Test
    void shouldFailWhatIsStillInFlightWhenTheSourceMustChange()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", 2), sink("p1", Long.MAX_VALUE) };
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        queueStep(sends, outlets(sinks));
        sends.flush(TimeUnit.MILLISECONDS.toNanos(100));

        assertEquals(1, sends.failBusy(SendResult.ABANDONED));

        assertEquals(0, sends.busyPeers());
        assertEquals(1, sends.collectFailures(this::failed));
        assertEquals(List.of("0 " + WEIGHTS + " ABANDONED"), failures);
    }

    @Test
    void shouldMacABroadcastOnceForAllPeersAndEachPeersOwnMessageForItAlone()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", Long.MAX_VALUE), sink("p1", 2), sink("p2", Long.MAX_VALUE) };
        final Outlet[] outlets = new Outlet[sinks.length];
        final UnsafeBuffer[] orders = new UnsafeBuffer[sinks.length];
        for (int peer = 0; peer < sinks.length; peer++)
        {
            final BufferSender sender = sender(sinks[peer]);
            sender.authenticate(ChunkAuth.AES_GMAC, KEY);
            outlets[peer] = new SenderOutlet(sender);
            orders[peer] = new UnsafeBuffer(new byte[ORDER.byteLength()]);
        }
        final FanOutSender sends = new FanOutSender(3, 2, clock);
        for (int step = 0; step < 2; step++)
        {
            for (int peer = 0; peer < outlets.length; peer++)
            {
                sends.add(peer, outlets[peer], WEIGHTS, weights, DEADLINE);
                sends.add(peer, outlets[peer], ORDER, orders[peer], DEADLINE);
            }
            sends.flush(TimeUnit.MILLISECONDS.toNanos(100));
            // Peer 1 is back-pressured for a while, then takes the rest from the tags the others left.
            assertTrue(sends.isBusy(1));
            sinks[1].allow(WEIGHT_CHUNKS + 1 - 2);
            assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));
            sinks[1].allow(2);
        }

        for (final ScriptedChunkSink sink : sinks)
        {
            assertEquals(2 * (WEIGHT_CHUNKS + 1), sink.taken().size(), "two steps of weights and order");
        }
        assertEquals(2L * WEIGHT_CHUNKS, sends.broadcastTagsComputed(), "each weight chunk tagged once a step");
        assertEquals(2L * 2 * WEIGHT_CHUNKS, sends.broadcastTagsReused(), "and taken by the two other peers");
        // A peer's own order is no broadcast: were it shared, the counts above would include its chunk.
    }

    @Test
    void shouldNotShareTagsWithAMessageAlreadyBegun()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", 0), sink("p1", Long.MAX_VALUE) };
        final Outlet[] outlets = new Outlet[sinks.length];
        for (int peer = 0; peer < sinks.length; peer++)
        {
            final BufferSender sender = sender(sinks[peer]);
            sender.authenticate(ChunkAuth.AES_GMAC, KEY);
            outlets[peer] = new SenderOutlet(sender);
        }
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        sends.add(0, outlets[0], WEIGHTS, weights, DEADLINE);
        assertEquals(0, sends.progress(), "peer 0 began, back-pressured, with its own tags");
        sends.add(1, outlets[1], WEIGHTS, weights, DEADLINE);
        sinks[0].allow(Long.MAX_VALUE);

        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));
        assertEquals(WEIGHT_CHUNKS, sinks[0].taken().size());
        assertEquals(WEIGHT_CHUNKS, sinks[1].taken().size());
        assertEquals(0, sends.broadcastTagsComputed(), "nothing shared");
    }

    @Test
    void shouldSendASourceBeingWrittenOnlyAsFarAsItIsWrittenToEveryPeer()
    {
        final ScriptedChunkSink[] sinks = { sink("p0", Long.MAX_VALUE), sink("p1", Long.MAX_VALUE) };
        final Outlet[] outlets = outlets(sinks);
        final FanOutSender sends = new FanOutSender(2, 2, clock);
        sends.writing(weights, 0);
        queueStep(sends, outlets);

        assertEquals(0, sends.progress(), "nothing written: nothing sent");
        sends.writing(weights, 3 * CHUNK + 10);
        sends.progress();
        for (final ScriptedChunkSink sink : sinks)
        {
            assertEquals(step(WEIGHT_CHUNKS).subList(0, 3), sink.taken(), "the three chunks written, no more");
        }
        sends.writing(weights, Integer.MAX_VALUE);
        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)), "all written: all sent");
        for (final ScriptedChunkSink sink : sinks)
        {
            assertEquals(step(WEIGHT_CHUNKS), sink.taken(), "the weights whole, then the order");
        }

        // The next step's messages from the same buffer, written whole before they are queued: nothing held back.
        queueStep(sends, outlets);
        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));
        assertEquals(2 * (WEIGHT_CHUNKS + 1), sinks[1].taken().size());
    }

    @Test
    void shouldRefuseMoreMessagesThanItsCapacity()
    {
        final Outlet outlet = new SenderOutlet(sender(sink("p0", 0)));
        final FanOutSender sends = new FanOutSender(1, 2, clock);
        sends.add(0, outlet, WEIGHTS, weights, DEADLINE);
        sends.add(0, outlet, ORDER, order, DEADLINE);
        assertThrows(IllegalStateException.class, () -> sends.add(0, outlet, ORDER, order, DEADLINE));
    }

    @Test
    void shouldMakeRoomBehindWhatIsStillInFlightOnceTheMessagesBeforeItAreDone()
    {
        final ScriptedChunkSink sink = sink("p0", WEIGHT_CHUNKS);
        final Outlet outlet = new SenderOutlet(sender(sink));
        final FanOutSender sends = new FanOutSender(1, 2, clock);
        sends.add(0, outlet, WEIGHTS, weights, DEADLINE);
        sends.add(0, outlet, ORDER, order, DEADLINE);
        assertEquals(1, sends.progress(), "the weights went out, the order is back-pressured");
        final MessageId nextOrder = new MessageId(7L, 9L, MessageKind.STEP_ORDER, 6L, -1, 0, 8);

        sends.add(0, outlet, nextOrder, order, DEADLINE);
        assertThrows(IllegalStateException.class, () -> sends.add(0, outlet, nextOrder, order, DEADLINE),
            "two messages not done fill a queue of two");

        sink.allow(Long.MAX_VALUE);
        assertEquals(0, sends.flush(TimeUnit.MILLISECONDS.toNanos(100)));
        final List<String> expected = new ArrayList<>(step(WEIGHT_CHUNKS));
        expected.add(ORDER.kind().code() + " 6 0/1");
        assertEquals(expected, sink.taken(), "the order in flight went on, then the one queued behind it");
        assertEquals(0, sends.collectFailures(this::failed));
    }

    private void queueStep(final FanOutSender sends, final Outlet[] outlets)
    {
        for (int peer = 0; peer < outlets.length; peer++)
        {
            sends.add(peer, outlets[peer], WEIGHTS, weights, DEADLINE);
            sends.add(peer, outlets[peer], ORDER, order, DEADLINE);
        }
    }

    /** @return the chunks of one step's publication to a peer: the weights' chunks, then the order's one. */
    private static List<String> step(final int weightChunks)
    {
        final List<String> chunks = new ArrayList<>();
        for (int i = 0; i < weightChunks; i++)
        {
            chunks.add(WEIGHTS.kind().code() + " 5 " + i + "/" + weightChunks);
        }
        chunks.add(ORDER.kind().code() + " 5 0/1");
        return chunks;
    }

    private void failed(final int peer, final MessageId id, final SendResult why)
    {
        failures.add(peer + " " + id + " " + why);
    }

    private ScriptedChunkSink sink(final String name, final long budget)
    {
        return new ScriptedChunkSink(name, budget, log);
    }

    private Outlet[] outlets(final ScriptedChunkSink[] sinks)
    {
        final Outlet[] outlets = new Outlet[sinks.length];
        for (int i = 0; i < sinks.length; i++)
        {
            outlets[i] = new SenderOutlet(sender(sinks[i]));
        }
        return outlets;
    }

    private BufferSender sender(final ScriptedChunkSink sink)
    {
        return new BufferSender(sink, SenderSettings.from(ConfigFactory.load()).withChunkLength(CHUNK), clock);
    }

    /** Moves only when told to, and by a millisecond per reading (so a stall window passes without sleeping). */
    private static final class TestClock implements NanoClock
    {
        private long now;

        void set(final long nanos)
        {
            now = nanos;
        }

        @Override
        public long nanoTime()
        {
            return now += 1_000_000;
        }
    }
}
