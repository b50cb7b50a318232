package io.descent.transport;

import io.descent.transport.codec.Compression;
import io.descent.transport.receive.ReceiveSlot;
import io.descent.transport.receive.ReceiverCounter;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.ChunkSink;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.Crc32cDigest;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunks for another job, model, message, length or with inconsistent headers are counted and dropped. */
class RejectTest
{
    private static final int SIZE = 3 * 4096 + 100;
    private static final MessageId EXPECTED = new MessageId(5L, 77L, MessageKind.GRADIENT, 10L, 1, 0, SIZE / 4);

    private static Path baseDir;
    private static Transport transport;

    private Link link;
    private ReceiveSlot slot;
    private UnsafeBuffer destination;

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

    @BeforeEach
    void registerExpectedMessage()
    {
        link = new Link(transport, Link.Medium.IPC, true);
        destination = Payloads.filled(SIZE, (byte)0x5A);
        slot = new ReceiveSlot().expect(EXPECTED, destination, 0, SIZE, System.nanoTime() + 30_000_000_000L);
        link.receiver.register(slot);
    }

    @AfterEach
    void closeLink()
    {
        link.close();
    }

    @Test
    void shouldRejectChunksOfAnUnknownJob()
    {
        sendAndAwait(link.newSender(), new MessageId(6L, 77L, MessageKind.GRADIENT, 10L, 1, 0, SIZE / 4), SIZE,
            ReceiverCounter.REJECTED_UNKNOWN_JOB);
    }

    @Test
    void shouldRejectChunksForAnotherModelFingerprint()
    {
        sendAndAwait(link.newSender(), new MessageId(5L, 78L, MessageKind.GRADIENT, 10L, 1, 0, SIZE / 4), SIZE,
            ReceiverCounter.REJECTED_FINGERPRINT);
    }

    @Test
    void shouldRejectChunksOfAnUnexpectedStepKindSenderOrRange()
    {
        final BufferSender sender = link.newSender();
        sendAndAwait(sender, EXPECTED.withStep(9L), SIZE, ReceiverCounter.REJECTED_UNEXPECTED);
        sendAndAwait(sender, new MessageId(5L, 77L, MessageKind.WEIGHTS, 10L, 1, 0, SIZE / 4), SIZE,
            ReceiverCounter.REJECTED_UNEXPECTED);
        sendAndAwait(sender, new MessageId(5L, 77L, MessageKind.GRADIENT, 10L, 2, 0, SIZE / 4), SIZE,
            ReceiverCounter.REJECTED_UNEXPECTED);
        sendAndAwait(sender, new MessageId(5L, 77L, MessageKind.GRADIENT, 10L, 1, 64, SIZE / 4), SIZE,
            ReceiverCounter.REJECTED_UNEXPECTED);
    }

    @Test
    void shouldRejectAMessageEncodedOtherwiseThanExpected()
    {
        // The same gradient, but fp16 where float32 is expected: dropped whole and counted, never misread.
        sendAndAwait(link.newSender(), EXPECTED.withCompression(Compression.FP16), SIZE / 2,
            ReceiverCounter.REJECTED_ENCODING);
        assertEquals(0, link.receiver.counters().get(ReceiverCounter.REJECTED_UNEXPECTED));
    }

    @Test
    void shouldRejectAMessageLongerThanTheDestinationExpects()
    {
        sendAndAwait(link.newSender(), EXPECTED, SIZE + 4, ReceiverCounter.REJECTED_OUT_OF_RANGE);
    }

    @Test
    void shouldRejectAChunkIndexBeyondTheChunkCount()
    {
        final BufferSender sender = link.newSender(sink -> new RewritingSink(sink, chunk ->
        {
            if (chunk.chunkIndex() == 1)
            {
                chunk.putChunk(3 + 1, chunk.chunkCount(), chunk.chunkStride(), chunk.byteOffset(), chunk.payloadLength());
            }
        }));
        sendAndAwait(sender, EXPECTED, SIZE, ReceiverCounter.REJECTED_MALFORMED);
    }

    @Test
    void shouldRejectAByteOffsetOutsideTheMessage()
    {
        final BufferSender sender = link.newSender(sink -> new RewritingSink(sink, chunk ->
        {
            if (chunk.chunkIndex() == 3)
            {
                chunk.putChunk(3, chunk.chunkCount(), chunk.chunkStride(), SIZE - 10, chunk.payloadLength());
            }
        }));
        sendAndAwait(sender, EXPECTED, SIZE, ReceiverCounter.REJECTED_MALFORMED);
    }

    @Test
    void shouldRefuseADestinationTooSmallForTheMessage()
    {
        final UnsafeBuffer small = Payloads.filled(SIZE - 1, (byte)0);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new ReceiveSlot().expect(EXPECTED, small, 0, SIZE, System.nanoTime()));
        assertTrue(error.getMessage().startsWith("destination too small"), error.getMessage());
    }

    @Test
    void shouldRefuseToRegisterASlotTwice()
    {
        assertThrows(IllegalStateException.class, () -> link.receiver.register(slot));
    }

    private void sendAndAwait(
        final BufferSender sender, final MessageId id, final int size, final ReceiverCounter expected)
    {
        final long before = link.receiver.counters().get(expected);
        final UnsafeBuffer source = Payloads.random(size, 3);
        assertEquals(SendResult.SENT, sender.send(id, source, 0, size, System.nanoTime() + 10_000_000_000L));
        TestTransports.await(() -> link.receiver.counters().get(expected) > before, Duration.ofSeconds(10),
            expected.toString());
        assertEquals(ReceiveSlot.State.ACTIVE, slot.state(), "the expected message is still awaited");
        if (expected == ReceiverCounter.REJECTED_MALFORMED)
        {
            TestTransports.await(() -> link.receiver.counters().get(ReceiverCounter.CHUNKS) == 3,
                Duration.ofSeconds(10), "the three good chunks");
            assertEquals(1, link.receiver.counters().get(ReceiverCounter.REJECTED_MALFORMED));
        }
        else
        {
            assertEquals(0, link.receiver.counters().get(ReceiverCounter.CHUNKS));
            assertEquals(-1L, Payloads.mismatch(destination, 0, Payloads.filled(SIZE, (byte)0x5A), 0, SIZE),
                "rejected bytes never written");
        }
    }

    /** Rewrites header fields of chunks in flight and fixes up the CRC, so only the receiver's checks catch it. */
    private static final class RewritingSink implements ChunkSink
    {
        private final ChunkSink delegate;
        private final Consumer<ChunkHeader> rewrite;
        private final UnsafeBuffer copy = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
        private final ChunkHeader header = new ChunkHeader().wrap(copy, 0);
        private final Crc32cDigest digest = new Crc32cDigest();

        RewritingSink(final ChunkSink delegate, final Consumer<ChunkHeader> rewrite)
        {
            this.delegate = delegate;
            this.rewrite = rewrite;
        }

        @Override
        public long offer(
            final DirectBuffer headerBuffer, final int headerOffset, final int headerLength,
            final DirectBuffer payload, final int payloadOffset, final int payloadLength)
        {
            copy.putBytes(0, headerBuffer, headerOffset, headerLength);
            rewrite.accept(header);
            header.crc(digest.reset().update(copy, 0, ChunkHeader.CHECKSUMMED_LENGTH)
                .update(payload, payloadOffset, payloadLength).value());
            return delegate.offer(copy, 0, headerLength, payload, payloadOffset, payloadLength);
        }

        @Override
        public int maxPayloadLength()
        {
            return delegate.maxPayloadLength();
        }

        @Override
        public int maxMessageLength()
        {
            return delegate.maxMessageLength();
        }

        @Override
        public boolean isConnected()
        {
            return delegate.isConnected();
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }
}
