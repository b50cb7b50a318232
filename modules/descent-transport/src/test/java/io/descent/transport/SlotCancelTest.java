package io.descent.transport;

import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.receive.SlotCancel;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling a receiver's slots by identity: the listener is not told, nothing of the message is written after the
 * cancel is done (also when it races the message's chunks arriving on the agent thread), its later chunks count as
 * late, and other senders' slots are untouched.
 */
class SlotCancelTest
{
    private static final int SIZE = 64 * 4096;
    private static final int CHUNKS = SIZE / 4096;

    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("sender.chunk-length = 4k");

    private Link link;

    @AfterEach
    void closeLink()
    {
        if (null != link)
        {
            link.close();
        }
    }

    @Test
    void shouldCancelOnlyTheMatchingSenderAndCountItsLateChunksAsLate()
    {
        link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true);
        final BufferSender sender = link.newSender();
        final ReceiveSlot dropped = slot(gradient(7, 1));
        final ReceiveSlot kept = slot(gradient(7, 2));
        assertTrue(link.receiver.register(dropped));
        assertTrue(link.receiver.register(kept));

        assertEquals(1, cancel(link.receiver, id -> id.senderId() == 1));
        assertEquals(ReceiveSlot.State.CANCELLED, dropped.state());
        assertEquals(1, counter(ReceiverCounter.CANCELLED));

        send(sender, gradient(7, 1), 1);
        send(sender, gradient(7, 2), 2);
        link.awaitOutcomes(1, Duration.ofSeconds(10));
        TestTransports.await(() -> counter(ReceiverCounter.LATE) == CHUNKS, Duration.ofSeconds(10), "late chunks");
        assertEquals(1, counter(ReceiverCounter.LATE_MESSAGES));
        assertEquals(0, counter(ReceiverCounter.REJECTED_UNEXPECTED));
        assertEquals(1, link.recorder.completed.size());
        assertTrue(link.recorder.completed.contains(kept), "the other sender's message is delivered");
        assertTrue(link.recorder.incomplete.isEmpty(), "a cancelled slot's listener is not told");
        assertEquals(-1, Payloads.mismatch((UnsafeBuffer)dropped.destination(), 0, Payloads.filled(SIZE, (byte)0), 0,
            SIZE), "nothing written into the cancelled slot");

        dropped.expect(gradient(8, 1), dropped.destination(), 0, SIZE, deadline());
        assertTrue(link.receiver.register(dropped), "a cancelled slot can be armed again");
        send(sender, gradient(8, 1), 3);
        link.awaitOutcomes(2, Duration.ofSeconds(10));
        assertEquals(ReceiveSlot.State.COMPLETE, dropped.state());
    }

    @Test
    void shouldCancelAtOnceOnThePollingThread()
    {
        link = new Link(TRANSPORT.transport(), Link.Medium.IPC, false);
        final ReceiveSlot slot = slot(gradient(3, 1));
        assertTrue(link.receiver.register(slot));
        assertEquals(0, link.receiver.cancelNow(id -> id.senderId() == 2));
        assertEquals(1, link.receiver.cancelNow(id -> id.senderId() == 1), "also a slot not yet picked up");
        assertEquals(ReceiveSlot.State.CANCELLED, slot.state());
        assertEquals(0, link.receiver.activeSlots());
    }

    /**
     * A message streams in on the agent thread while the test cancels its slot after a varying number of chunks:
     * either it was delivered before the cancel (nothing cancelled) or it was cancelled, and then every chunk was
     * either written before the cancel or dropped as late after it, and the destination does not change after the
     * cancel is done.
     */
    @Test
    void shouldNeverWriteACancelledSlotWhileItsMessageArrives() throws Exception
    {
        link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true);
        final BufferSender sender = link.newSender();
        final UnsafeBuffer snapshot = Payloads.filled(SIZE, (byte)0);
        int cancelledMidway = 0;
        for (int round = 0; round < 24; round++)
        {
            final long step = 100 + round;
            final ReceiveSlot slot = slot(gradient(step, 1));
            assertTrue(link.receiver.register(slot));
            final ReceiveSlot marker = slot(gradient(step, 9));
            assertTrue(link.receiver.register(marker));
            final long chunksBefore = counter(ReceiverCounter.CHUNKS);
            final long lateBefore = counter(ReceiverCounter.LATE);
            final int completedBefore = link.recorder.completed.size();
            final CompletableFuture<SendResult> sent = CompletableFuture.supplyAsync(() ->
                sender.send(gradient(step, 1), Payloads.random(SIZE, step), 0, SIZE, deadline()));
            final long after = round % 8 * (CHUNKS / 8);
            TestTransports.await(() -> counter(ReceiverCounter.CHUNKS) - chunksBefore >= after || sent.isDone(),
                Duration.ofSeconds(10), after + " chunks written");
            final int cancelled = cancel(link.receiver, id -> id.senderId() == 1);
            snapshot.putBytes(0, slot.destination(), 0, SIZE);
            assertEquals(SendResult.SENT, sent.get(10, TimeUnit.SECONDS));
            // The marker follows on the same publication: once it is in, every chunk before it was handled.
            send(sender, gradient(step, 9), step);
            TestTransports.await(() -> link.recorder.completed.contains(marker), Duration.ofSeconds(10), "marker");

            final boolean delivered = link.recorder.completed.contains(slot);
            if (cancelled == 0)
            {
                assertTrue(delivered, "round " + round + ": not cancelled, so delivered before the cancel");
            }
            else
            {
                assertEquals(1, cancelled);
                assertFalse(delivered, "round " + round + ": cancelled, never delivered");
                assertEquals(ReceiveSlot.State.CANCELLED, slot.state());
                final long written = counter(ReceiverCounter.CHUNKS) - chunksBefore - CHUNKS;
                assertEquals(CHUNKS, written + counter(ReceiverCounter.LATE) - lateBefore,
                    "round " + round + ": each chunk written before the cancel or counted late after it");
                cancelledMidway += written > 0 ? 1 : 0;
            }
            assertEquals(-1, Payloads.mismatch((UnsafeBuffer)slot.destination(), 0, snapshot, 0, SIZE),
                "round " + round + ": the destination changed after the cancel returned");
            assertEquals(completedBefore + (delivered ? 2 : 1), link.recorder.completed.size());
        }
        assertTrue(link.recorder.incomplete.isEmpty());
        System.out.println("slot cancels that landed mid-message: " + cancelledMidway + " of 24");
    }

    /** Cancels as a thread other than the receiver's does: hands the request over and waits until it is done. */
    private static int cancel(final BufferReceiver receiver, final Predicate<MessageId> which)
    {
        final SlotCancel request = new SlotCancel(which);
        assertTrue(receiver.cancel(request));
        TestTransports.await(request::isDone, Duration.ofSeconds(10), "the cancel to be carried out");
        return request.cancelled();
    }

    private static MessageId gradient(final long step, final int sender)
    {
        return new MessageId(5L, 77L, MessageKind.GRADIENT, step, sender, 0, SIZE / 4);
    }

    private static ReceiveSlot slot(final MessageId id)
    {
        return new ReceiveSlot().expect(id, Payloads.filled(SIZE, (byte)0), 0, SIZE, deadline());
    }

    private static long deadline()
    {
        return System.nanoTime() + Duration.ofSeconds(30).toNanos();
    }

    private static void send(final BufferSender sender, final MessageId id, final long seed)
    {
        assertEquals(SendResult.SENT, sender.send(id, Payloads.random(SIZE, seed), 0, SIZE, deadline()));
    }

    private long counter(final ReceiverCounter counter)
    {
        return link.receiver.counters().get(counter);
    }
}
