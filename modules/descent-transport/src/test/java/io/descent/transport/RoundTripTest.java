package io.descent.transport;

import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Round trips of random contents over IPC and UDP loopback, through one shared embedded driver. */
class RoundTripTest
{
    private static Path baseDir;
    private static Transport transport;
    private static Transport bigChunks;

    @BeforeAll
    static void startTransport()
    {
        baseDir = TestTransports.newBaseDir();
        transport = Transport.start(TestTransports.settings(baseDir, ""));
        bigChunks = Transport.start(TestTransports.settings(baseDir, "sender.chunk-length = 1m, driver.ipc-term-length = 16m"));
    }

    @AfterAll
    static void stopTransport()
    {
        final Path dir = transport.driver().directory();
        final Path bigDir = bigChunks.driver().directory();
        bigChunks.close();
        transport.close();
        assertFalse(Files.exists(dir), "driver directory removed after close");
        assertFalse(Files.exists(bigDir), "driver directory removed after close");
        TestTransports.deleteBaseDir(baseDir);
    }

    @ParameterizedTest
    @EnumSource(Link.Medium.class)
    void shouldDeliverIdenticalBytesAroundOneChunk(final Link.Medium medium)
    {
        try (Link link = new Link(transport, medium, true))
        {
            final BufferSender sender = link.newSender();
            final int chunk = sender.chunkLength();
            final int[] sizes = { 1, 4, chunk - 1, chunk, chunk + 1, 3 * chunk + 5, 0 };
            for (final int size : sizes)
            {
                roundTrip(link, sender, size, size);
            }
            // The slot reads COMPLETE just before the listener hears of it: wait for the listener too.
            TestTransports.await(() -> link.recorder.completed.size() >= sizes.length, Duration.ofSeconds(10),
                "every completion reported to the listener");
            assertEquals(sizes.length, link.recorder.completed.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Medium.class)
    void shouldDeliverModelSizedBuffers(final Link.Medium medium)
    {
        try (Link link = new Link(transport, medium, true))
        {
            final BufferSender sender = link.newSender();
            roundTrip(link, sender, 2 * 1024 * 1024, 1);
            roundTrip(link, sender, 23 * 1024 * 1024 + 12, 2);
        }
    }

    @ParameterizedTest
    @EnumSource(Link.Medium.class)
    void shouldDeliverChunksLargerThanOneFrame(final Link.Medium medium)
    {
        try (Link link = new Link(bigChunks, medium, true))
        {
            final BufferSender sender = link.newSender();
            assertEquals(1024 * 1024, sender.chunkLength());
            final int[] sizes = { 1, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 5 * 1024 * 1024 + 3 };
            for (final int size : sizes)
            {
                roundTrip(link, sender, size, size);
            }
            assertEquals(0, link.receiver.counters().get(ReceiverCounter.REJECTED_MALFORMED));
        }
    }

    @Tag("slow")
    @ParameterizedTest
    @ValueSource(strings = { "IPC", "UDP" })
    void shouldDeliver256Megabytes(final String medium)
    {
        try (Link link = new Link(transport, Link.Medium.valueOf(medium), true))
        {
            roundTrip(link, link.newSender(), 256 * 1024 * 1024, 256);
        }
    }

    private static void roundTrip(final Link link, final BufferSender sender, final int size, final long seed)
    {
        final UnsafeBuffer source = Payloads.random(size, seed);
        final UnsafeBuffer destination = Payloads.filled(size + 16, (byte)0x5A);
        final MessageId id = new MessageId(7L, 42L, MessageKind.GRADIENT, seed, 3, 0, size / Float.BYTES);
        final ReceiveSlot slot = new ReceiveSlot()
            .expect(id, destination, 8, size, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        link.receiver.register(slot);

        final SendResult result = sender.send(id, source, 0, size, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));

        assertEquals(SendResult.SENT, result);
        TestTransports.await(() -> slot.state() != ReceiveSlot.State.ACTIVE && slot.state() != ReceiveSlot.State.PENDING,
            Duration.ofSeconds(60), "message of " + size + " bytes");
        assertEquals(ReceiveSlot.State.COMPLETE, slot.state(), () -> slot.describeMissing());
        assertEquals(-1L, Payloads.mismatch(source, 0, destination, 8, size), "bytes differ");
        assertEquals(0x5A5A5A5A5A5A5A5AL, destination.getLong(0), "bytes before the range untouched");
        assertEquals(0x5A5A5A5A5A5A5A5AL, destination.getLong(size + 8), "bytes after the range untouched");
    }
}
