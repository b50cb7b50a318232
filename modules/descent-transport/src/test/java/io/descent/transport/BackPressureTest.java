package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.send.SenderCounter;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sender facing a stalled, missing or closed peer returns an error at its deadline instead of hanging. */
class BackPressureTest
{
    private static final int SIZE = 40 * 1024 * 1024;

    @RegisterExtension
    static final SharedTransport TRANSPORT =
        new SharedTransport("driver { term-length = 4m, ipc-term-length = 4m, receiver-window = 1m }");

    @ParameterizedTest
    @EnumSource(Link.Medium.class)
    void shouldReturnAtTheDeadlineWhenTheReceiverStopsPolling(final Link.Medium medium)
    {
        try (Link link = new Link(TRANSPORT.transport(), medium, false))
        {
            final BufferSender sender = link.newSender();
            final UnsafeBuffer source = Payloads.random(SIZE, 5);
            final MessageId id = new MessageId(1L, 1L, MessageKind.GRADIENT, 1L, 0, 0, SIZE / 4);
            link.receiver.register(new ReceiveSlot().expect(id, Payloads.filled(SIZE, (byte)0), 0, SIZE, Long.MAX_VALUE));
            link.receiver.doWork();

            final SendResult result = sender.send(id, source, 0, SIZE, deadlineIn(500));

            assertEquals(SendResult.DEADLINE_BACK_PRESSURED, result);
            assertTrue(sender.counters().get(SenderCounter.RETRIES_BACK_PRESSURED) > 0);
            assertEquals(1, sender.counters().get(SenderCounter.FAILURES));
        }
    }

    @Test
    void shouldReturnAtTheDeadlineWhenNobodySubscribes()
    {
        try (BufferSender sender = TRANSPORT.transport().newSender(TRANSPORT.transport().channels().ipc(), 999))
        {
            final MessageId id = new MessageId(1L, 1L, MessageKind.WEIGHTS, 1L, 0, 0, 1);

            final SendResult result = sender.send(id, Payloads.random(4, 1), 0, 4, deadlineIn(200));

            assertEquals(SendResult.DEADLINE_NOT_CONNECTED, result);
            assertTrue(sender.counters().get(SenderCounter.RETRIES_NOT_CONNECTED) > 0);
        }
    }

    @Test
    void shouldReturnClosedAfterThePublicationIsClosed()
    {
        try (Link link = new Link(TRANSPORT.transport(), Link.Medium.IPC, true))
        {
            final BufferSender sender = link.newSender();
            sender.close();
            final MessageId id = new MessageId(1L, 1L, MessageKind.WEIGHTS, 1L, 0, 0, 1);

            assertEquals(SendResult.CLOSED, sender.send(id, Payloads.random(4, 1), 0, 4, deadlineIn(200)));
        }
    }

    private static long deadlineIn(final long millis)
    {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
