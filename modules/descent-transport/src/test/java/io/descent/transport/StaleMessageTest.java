package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A message that comes after the receiver is done with it is counted as what it is: a duplicate of one delivered, or
 * late (its deadline passed, or its step is behind), per chunk, once per message and by kind; never as unexpected.
 */
class StaleMessageTest
{
    private static final int SIZE = 3 * 4096 + 100;
    private static final int CHUNKS = 4;
    private static final MessageId GRADIENT_10 = new MessageId(5L, 77L, MessageKind.GRADIENT, 10L, 1, 0, SIZE / 4);

    @RegisterExtension
    static final SharedTransport TRANSPORT = new SharedTransport("sender.chunk-length = 4k");

    private Link link;
    private BufferSender sender;

    @BeforeEach
    void openLink()
    {
        link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true);
        sender = link.newSender();
    }

    @AfterEach
    void closeLink()
    {
        link.close();
    }

    @Test
    void shouldCountAMessageThatComesAgainAfterDeliveryAsADuplicate()
    {
        expect(GRADIENT_10, 30_000);
        send(GRADIENT_10);
        link.awaitOutcomes(1, Duration.ofSeconds(10));
        assertEquals(1, link.recorder.completed.size());

        send(GRADIENT_10);
        awaitCounter(ReceiverCounter.DUPLICATES, CHUNKS);
        assertEquals(1, counter(ReceiverCounter.DUPLICATE_MESSAGES));
        assertEquals(0, counter(ReceiverCounter.LATE_MESSAGES));
        assertEquals(1, link.receiver.staleMessages().get(MessageKind.GRADIENT));
        assertEquals(0, counter(ReceiverCounter.REJECTED_UNEXPECTED));
    }

    @Test
    void shouldCountAMessageThatComesAfterItsDeadlineAsLate()
    {
        expect(GRADIENT_10, 50);
        link.awaitOutcomes(1, Duration.ofSeconds(10));
        assertEquals(1, link.recorder.incomplete.size());

        send(GRADIENT_10);
        awaitCounter(ReceiverCounter.LATE, CHUNKS);
        assertEquals(1, counter(ReceiverCounter.LATE_MESSAGES));
        assertEquals(0, counter(ReceiverCounter.DUPLICATE_MESSAGES));
        assertEquals(1, link.receiver.staleMessages().get(MessageKind.GRADIENT));
        assertEquals(0, counter(ReceiverCounter.REJECTED_UNEXPECTED));
    }

    @Test
    void shouldCountAnOlderStepNobodyExpectedAsLateAndANewerOneAsUnexpected()
    {
        expect(GRADIENT_10, 30_000);
        send(GRADIENT_10);
        link.awaitOutcomes(1, Duration.ofSeconds(10));
        expect(GRADIENT_10.withStep(11L), 30_000);

        send(GRADIENT_10.withStep(3L));
        awaitCounter(ReceiverCounter.LATE, CHUNKS);
        send(GRADIENT_10.withStep(12L));
        awaitCounter(ReceiverCounter.REJECTED_UNEXPECTED, CHUNKS);
        send(new MessageId(5L, 77L, MessageKind.WEIGHTS, 3L, 0, 0, SIZE / 4));
        awaitCounter(ReceiverCounter.REJECTED_UNEXPECTED, 2 * CHUNKS);

        assertEquals(1, counter(ReceiverCounter.LATE_MESSAGES));
        assertEquals(1, link.receiver.staleMessages().get(MessageKind.GRADIENT));
        assertEquals(0, link.receiver.staleMessages().get(MessageKind.WEIGHTS), "no weights ended: not stale");
    }

    private void expect(final MessageId id, final long deadlineMs)
    {
        final ReceiveSlot slot = new ReceiveSlot().expect(id, new UnsafeBuffer(new byte[SIZE]), 0, SIZE,
            System.nanoTime() + Duration.ofMillis(deadlineMs).toNanos());
        link.receiver.register(slot);
    }

    private void send(final MessageId id)
    {
        assertEquals(SendResult.SENT, sender.send(id, Payloads.random(SIZE, 5), 0, SIZE,
            System.nanoTime() + 10_000_000_000L));
    }

    private long counter(final ReceiverCounter counter)
    {
        return link.receiver.counters().get(counter);
    }

    private void awaitCounter(final ReceiverCounter counter, final long value)
    {
        TestTransports.await(() -> counter(counter) >= value, Duration.ofSeconds(10), counter + " >= " + value);
        assertEquals(value, counter(counter), counter.toString());
    }
}
