package io.descent.transport;

import io.descent.transport.codec.Compression;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A message whose length depends on its values (a threshold-compressed gradient): the receiver takes any length up to
 * the destination's capacity, tells it on arrival, and drops a longer one.
 */
class VariableLengthTest
{
    private static final int CAPACITY = 3 * 4096 + 100;
    private static final MessageId ID = new MessageId(5L, 77L, MessageKind.GRADIENT, 10L, 1, 0, 100_000,
        Compression.THRESHOLD);

    private static Path baseDir;
    private static Transport transport;

    @BeforeAll
    static void startTransport()
    {
        baseDir = TestTransports.newBaseDir();
        transport = Transport.start(TestTransports.settings(baseDir, "sender.chunk-length = 4k"));
    }

    @AfterAll
    static void stopTransport()
    {
        transport.close();
        TestTransports.deleteBaseDir(baseDir);
    }

    @Test
    void shouldDeliverAMessageShorterThanTheCapacityAndTellItsLength()
    {
        try (Link link = new Link(transport, Link.Medium.IPC, true))
        {
            final BufferSender sender = link.newSender();
            for (final int size : new int[]{ 9000, 0, CAPACITY })
            {
                final UnsafeBuffer destination = Payloads.filled(CAPACITY, (byte)0x5A);
                final ReceiveSlot slot = new ReceiveSlot().expectUpTo(ID.withStep(size), destination, 0, CAPACITY,
                    System.nanoTime() + 30_000_000_000L);
                link.receiver.register(slot);
                final UnsafeBuffer source = Payloads.random(size, size);
                assertEquals(SendResult.SENT, sender.send(ID.withStep(size), source, 0, size,
                    System.nanoTime() + 10_000_000_000L));
                TestTransports.await(() -> slot.state() == ReceiveSlot.State.COMPLETE, Duration.ofSeconds(10),
                    "message of " + size + " bytes");
                assertEquals(size, slot.messageLength());
                assertEquals(-1L, Payloads.mismatch(destination, 0, source, 0, size));
                assertEquals(-1L, Payloads.mismatch(destination, size, Payloads.filled(CAPACITY, (byte)0x5A), size,
                    CAPACITY - size), "nothing written past the message");
            }
        }
    }

    @Test
    void shouldRejectAMessageLongerThanTheCapacity()
    {
        try (Link link = new Link(transport, Link.Medium.IPC, true))
        {
            final UnsafeBuffer destination = Payloads.filled(CAPACITY, (byte)0x5A);
            final ReceiveSlot slot = new ReceiveSlot().expectUpTo(ID, destination, 0, CAPACITY,
                System.nanoTime() + 30_000_000_000L);
            link.receiver.register(slot);
            assertEquals(SendResult.SENT, link.newSender().send(ID, Payloads.random(CAPACITY + 4, 1), 0,
                CAPACITY + 4, System.nanoTime() + 10_000_000_000L));
            TestTransports.await(() -> link.receiver.counters().get(ReceiverCounter.REJECTED_OUT_OF_RANGE) > 0,
                Duration.ofSeconds(10), "out of range");
            assertEquals(ReceiveSlot.State.ACTIVE, slot.state());
            assertEquals(0, link.receiver.counters().get(ReceiverCounter.CHUNKS));
        }
    }
}
