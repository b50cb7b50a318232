package io.descent.transport;

import com.typesafe.config.ConfigFactory;
import io.aeron.Publication;
import io.descent.transport.config.SenderSettings;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.ChunkSink;
import io.descent.transport.send.SendResult;
import io.descent.transport.send.SenderCounter;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BufferSender#begin} and {@link BufferSender#progress} send byte for byte what a blocking
 * {@link BufferSender#send} sends, never waiting on a refused chunk; {@link BufferSender#abandon} frees the sender.
 */
class ProgressiveSendTest
{
    private static final int SIZE = 10_000;
    private static final MessageId ID = new MessageId(3L, 4L, MessageKind.WEIGHTS, 9L, -1, 0, SIZE / 4);

    @Test
    void shouldSendTheSameChunksAsABlockingSendWhenEveryOtherOfferIsRefused()
    {
        final UnsafeBuffer source = Payloads.random(SIZE, 11);
        final RecordingSink blocking = new RecordingSink(false);
        assertEquals(SendResult.SENT, sender(blocking).send(ID, source, 0, SIZE, deadline()));

        final RecordingSink refusing = new RecordingSink(true);
        final BufferSender sender = sender(refusing);
        sender.begin(ID, source, 0, SIZE, deadline());
        int calls = 0;
        SendResult result;
        do
        {
            result = sender.progress();
            calls++;
        }
        while (result == SendResult.PENDING);

        assertEquals(SendResult.SENT, result);
        assertFalse(sender.isSending());
        assertTrue(calls > refusing.chunks.size(), "it returned at refused offers: " + calls + " calls");
        assertEquals(blocking.chunks.size(), refusing.chunks.size());
        for (int i = 0; i < blocking.chunks.size(); i++)
        {
            assertArrayEquals(blocking.chunks.get(i), refusing.chunks.get(i), "chunk " + i);
        }
        assertEquals(1, sender.counters().get(SenderCounter.MESSAGES));
        assertEquals(SIZE, sender.counters().get(SenderCounter.BYTES));
    }

    @Test
    void shouldSendOnlyTheChunksThatAreReadyWhileTheSourceIsWritten()
    {
        final UnsafeBuffer whole = Payloads.random(SIZE, 13);
        final RecordingSink blocking = new RecordingSink(false);
        assertEquals(SendResult.SENT, sender(blocking).send(ID, whole, 0, SIZE, deadline()));

        // The source is filled as it goes out: what is not ready yet is zeros, never read.
        final UnsafeBuffer source = new UnsafeBuffer(new byte[SIZE]);
        final RecordingSink sink = new RecordingSink(false);
        final BufferSender sender = sender(sink);
        sender.begin(ID, source, 0, SIZE, deadline());
        sender.ready(0);
        assertEquals(SendResult.PENDING, sender.progress());
        assertEquals(0, sink.chunks.size(), "nothing is ready: nothing offered");
        for (final int ready : new int[]{ 1000, 1024, 3000, 5120, SIZE - 1 })
        {
            source.putBytes(0, whole, 0, ready);
            sender.ready(ready);
            assertEquals(SendResult.PENDING, sender.progress());
            assertEquals(ready / 1024, sink.chunks.size(), "only the chunks wholly within " + ready + " bytes");
        }
        source.putBytes(0, whole, 0, SIZE);
        sender.ready(SIZE);
        assertEquals(SendResult.SENT, sender.progress());

        assertEquals(blocking.chunks.size(), sink.chunks.size());
        for (int i = 0; i < blocking.chunks.size(); i++)
        {
            assertArrayEquals(blocking.chunks.get(i), sink.chunks.get(i), "chunk " + i);
        }
        assertThrows(IllegalStateException.class, () -> sender.ready(SIZE), "no message in flight");
        sender.begin(ID, source, 0, SIZE, deadline());
        assertThrows(IllegalArgumentException.class, () -> sender.ready(SIZE + 1));
    }

    @Test
    void shouldRefuseASecondMessageUntilTheFirstIsAbandoned()
    {
        final UnsafeBuffer source = Payloads.random(SIZE, 12);
        final RecordingSink sink = new RecordingSink(true);
        final BufferSender sender = sender(sink);
        sender.begin(ID, source, 0, SIZE, deadline());
        assertEquals(SendResult.PENDING, sender.progress());
        assertThrows(IllegalStateException.class, () -> sender.begin(ID, source, 0, SIZE, deadline()));

        assertTrue(sender.abandon());

        assertFalse(sender.isSending());
        assertEquals(1, sender.counters().get(SenderCounter.FAILURES));
        assertEquals(SendResult.SENT, sender.send(ID.withStep(10), source, 0, SIZE, deadline()));
    }

    private static long deadline()
    {
        return System.nanoTime() + 10_000_000_000L;
    }

    private static BufferSender sender(final ChunkSink sink)
    {
        return new BufferSender(sink, SenderSettings.from(ConfigFactory.load()).withChunkLength(1024),
            SystemNanoClock.INSTANCE);
    }

    /** Keeps each chunk's bytes; optionally refuses (back-pressures) every other offer. */
    private static final class RecordingSink implements ChunkSink
    {
        private final List<byte[]> chunks = new ArrayList<>();
        private final boolean refuseEveryOther;
        private boolean refuse;

        RecordingSink(final boolean refuseEveryOther)
        {
            this.refuseEveryOther = refuseEveryOther;
        }

        @Override
        public long offer(
            final DirectBuffer header, final int headerOffset, final int headerLength,
            final DirectBuffer payload, final int payloadOffset, final int payloadLength)
        {
            refuse = refuseEveryOther && !refuse;
            if (refuse)
            {
                return Publication.BACK_PRESSURED;
            }
            final byte[] chunk = new byte[headerLength + payloadLength];
            header.getBytes(headerOffset, chunk, 0, headerLength);
            payload.getBytes(payloadOffset, chunk, headerLength, payloadLength);
            // Each sender starts its sequence at a random value: compare the chunks without it and the CRC over it.
            Arrays.fill(chunk, 80, ChunkHeader.LENGTH, (byte)0);
            chunks.add(Arrays.copyOf(chunk, chunk.length));
            return chunks.size();
        }

        @Override
        public int maxPayloadLength()
        {
            return 4096;
        }

        @Override
        public int maxMessageLength()
        {
            return 4096;
        }

        @Override
        public boolean isConnected()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }
}
