package io.descent.transport;

import com.typesafe.config.ConfigFactory;
import io.aeron.Publication;
import io.descent.transport.config.SenderSettings;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.ChunkSink;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AES-GMAC nonce is (session id, sequence): a sender never tags two different chunks under one sequence, across
 * chunks, messages and resends of one step; a refused chunk is offered again byte for byte (the same nonce over the
 * same bytes gives the same tag and reveals nothing new); two senders on one session id start far apart.
 */
class GmacNonceTest
{
    private static final DataKey KEY = DataKey.derive(
        "a cluster key of at least sixteen bytes".getBytes(StandardCharsets.UTF_8), 7, "descent data-plane v2");
    private static final int SIZE = 5_000;

    @Test
    void shouldNeverTagTwoChunksUnderOneSequence()
    {
        final RecordingSink sink = new RecordingSink(true);
        final BufferSender sender = sender(sink);
        final UnsafeBuffer source = Payloads.random(SIZE, 1);
        for (final long step : new long[]{ 1, 2, 2, 3 })
        {
            final MessageId id = new MessageId(3L, 4L, MessageKind.GRADIENT, step, 0, 0, SIZE / 4);
            assertEquals(SendResult.SENT, sender.send(id, source, 0, SIZE, System.nanoTime() + 10_000_000_000L));
        }

        final int chunksPerMessage = (SIZE + 1023) / 1024;
        assertEquals(2 * 4 * chunksPerMessage, sink.offers.size(), "every chunk offered twice (once refused)");
        final Set<Long> sequences = new HashSet<>();
        for (int i = 0; i < sink.offers.size(); i += 2)
        {
            assertArrayEquals(sink.offers.get(i), sink.offers.get(i + 1), "a refused chunk is offered again as it was");
            final long sequence = new ChunkHeader().wrap(new UnsafeBuffer(sink.offers.get(i)), 0).sequence();
            if (i > 0)
            {
                final long previous = new ChunkHeader().wrap(new UnsafeBuffer(sink.offers.get(i - 2)), 0).sequence();
                assertEquals(previous + 1, sequence, "one sequence per chunk, in order");
            }
            sequences.add(sequence);
        }
        assertEquals(4 * chunksPerMessage, sequences.size(), "no sequence used for two chunks");
    }

    @Test
    void shouldStartEachSenderAtItsOwnSequence()
    {
        final RecordingSink first = new RecordingSink(false);
        final RecordingSink second = new RecordingSink(false);
        final UnsafeBuffer source = Payloads.random(SIZE, 2);
        final MessageId id = new MessageId(3L, 4L, MessageKind.GRADIENT, 1, 0, 0, SIZE / 4);
        sender(first).send(id, source, 0, SIZE, System.nanoTime() + 10_000_000_000L);
        sender(second).send(id, source, 0, SIZE, System.nanoTime() + 10_000_000_000L);

        final long a = new ChunkHeader().wrap(new UnsafeBuffer(first.offers.get(0)), 0).sequence();
        final long b = new ChunkHeader().wrap(new UnsafeBuffer(second.offers.get(0)), 0).sequence();
        // Random 64-bit starts: the two runs of 5 sequences overlap (mod 2^64) with probability about 2^-60.
        final long gap = a - b;
        assertTrue(gap >= 5 || gap <= -5, "the senders' sequences overlap: " + a + ", " + b);
    }

    private static BufferSender sender(final ChunkSink sink)
    {
        final BufferSender sender = new BufferSender(sink,
            SenderSettings.from(ConfigFactory.load()).withChunkLength(1024), SystemNanoClock.INSTANCE);
        sender.authenticate(ChunkAuth.AES_GMAC, KEY);
        return sender;
    }

    /** Keeps every offered chunk's bytes, refused ones too; optionally refuses every other offer. */
    private static final class RecordingSink implements ChunkSink
    {
        private final List<byte[]> offers = new ArrayList<>();
        private final boolean refuseEveryOther;

        RecordingSink(final boolean refuseEveryOther)
        {
            this.refuseEveryOther = refuseEveryOther;
        }

        @Override
        public long offer(
            final DirectBuffer header, final int headerOffset, final int headerLength,
            final DirectBuffer payload, final int payloadOffset, final int payloadLength)
        {
            final byte[] chunk = new byte[headerLength + payloadLength];
            header.getBytes(headerOffset, chunk, 0, headerLength);
            payload.getBytes(payloadOffset, chunk, headerLength, payloadLength);
            offers.add(chunk);
            return refuseEveryOther && offers.size() % 2 == 1 ? Publication.BACK_PRESSURED : offers.size();
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
        public int sessionId()
        {
            return 99;
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
