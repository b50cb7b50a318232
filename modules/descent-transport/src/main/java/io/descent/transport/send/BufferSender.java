package io.descent.transport.send;

import io.aeron.Publication;
import io.descent.transport.config.SenderSettings;
import io.descent.transport.counters.CounterSet;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.ChunkMac;
import io.descent.transport.wire.Crc32cDigest;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Sends dense buffers as chunked, checksummed or authenticated ({@link #authenticate}) messages over one
 * publication. Each chunk is a {@link ChunkHeader} followed by a slice of the caller's buffer, copied once, straight into the publication's term buffer.
 * Back-pressure and admin actions are retried with the configured idle strategy; a missing subscriber is waited for;
 * both only until the caller's deadline. Errors are returned as {@link SendResult}s, never thrown, never dropped.
 * {@link #send} blocks until the message is out; {@link #begin} and {@link #progress} send the same chunks without
 * ever waiting, for a thread that interleaves several peers.
 *
 * <p>Not thread-safe: one thread sends (an exclusive publication has one writer). Allocates nothing per send.
 */
public final class BufferSender implements AutoCloseable
{
    private static final SecureRandom SEQUENCES = new SecureRandom();

    private final ChunkSink sink;
    private final NanoClock clock;
    private final IdleStrategy idle;
    private final int chunkLength;
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
    private final ChunkHeader header = new ChunkHeader().wrap(headerBuffer, 0);
    private final Crc32cDigest digest = new Crc32cDigest();
    private final CounterSet<SenderCounter> counters = new CounterSet<>(SenderCounter.class);
    /** Tags chunks under the job's key, or null: CRC32C only. */
    private ChunkMac mac;
    /**
     * The next chunk's sequence: starts at a random value, so that two senders that share a session id and a key
     * (separate media drivers may hand out the same one) do not share AES-GMAC nonces.
     */
    private long sequence = SEQUENCES.nextLong();
    /** The message in flight ({@link #begin}), or null. */
    private DirectBuffer source;
    private int sourceOffset;
    private int sourceLength;
    /** The bytes of the message in flight that may be read now ({@link #ready}); the rest is still being written. */
    private int readyLength;
    private long deadlineNs;
    private int chunkCount;
    private int nextChunk;
    /** The chunk whose header and CRC are in {@link #headerBuffer}, or -1. */
    private int preparedChunk = -1;
    /** The tags the message in flight shares with other senders of the same bytes, or null. */
    private BroadcastTags shared;

    /**
     * @param sink     where chunks go; owned (closed) by this sender.
     * @param settings chunk length and idle strategy; an explicit chunk length must fit the sink's largest message.
     * @param clock    for deadlines (System.nanoTime-based in production).
     * @throws IllegalArgumentException when the configured chunk length does not fit the sink.
     */
    public BufferSender(final ChunkSink sink, final SenderSettings settings, final NanoClock clock)
    {
        this.sink = sink;
        this.clock = clock;
        this.idle = settings.idle().newStrategy();
        this.chunkLength = chunkLengthFor(settings.chunkLength(), sink);
    }

    /**
     * Tags every chunk begun from now on with a MAC under {@code key} instead of a CRC32C, or, with
     * {@link ChunkAuth#CRC_ONLY}, goes back to the CRC. The MAC covers this sender's session id, so a chunk replayed
     * on another session does not verify. Sender thread; not while a message is in flight.
     *
     * @param auth the algorithm.
     * @param key  the job's key (ignored for {@link ChunkAuth#CRC_ONLY}).
     * @throws IllegalStateException when a message is in flight.
     */
    public void authenticate(final ChunkAuth auth, final DataKey key)
    {
        if (null != source)
        {
            throw new IllegalStateException("cannot change the data-plane key while a message is in flight");
        }
        mac = auth.authenticates() ? new ChunkMac(auth, key) : null;
    }

    /** @return how chunks are tagged now. */
    public ChunkAuth auth()
    {
        return null == mac ? ChunkAuth.CRC_ONLY : mac.auth();
    }

    /**
     * @param configured the configured chunk length or {@link SenderSettings#AUTO}.
     * @param sink       the sink chunks go to.
     * @return the payload bytes per chunk to use.
     */
    static int chunkLengthFor(final int configured, final ChunkSink sink)
    {
        if (configured == SenderSettings.AUTO)
        {
            return (sink.maxPayloadLength() - ChunkHeader.LENGTH) & ~63;
        }
        if (configured + ChunkHeader.LENGTH > sink.maxMessageLength())
        {
            throw new IllegalArgumentException("descent.transport.sender.chunk-length = " + configured +
                " is invalid: must be at most " + (sink.maxMessageLength() - ChunkHeader.LENGTH) +
                " for this publication (its largest message " + sink.maxMessageLength() +
                " minus the " + ChunkHeader.LENGTH + "-byte header); raise the term length or lower the chunk length");
        }
        return configured;
    }

    /**
     * Sends one message: {@code length} bytes of {@code source} from {@code offset}, tagged with {@code id}. Blocks
     * the calling thread until every chunk is in the publication or the deadline passes. The source is only read,
     * and only during the call; the caller may reuse it when the call returns.
     *
     * @param id         the message identity.
     * @param source     the bytes (any Agrona buffer: off-heap, mapped or heap).
     * @param offset     of the first byte in {@code source}.
     * @param length     bytes to send (any length from 0; floats are {@code 4 * id.floatLength()}).
     * @param deadlineNs absolute {@link NanoClock} time after which to give up.
     * @return {@link SendResult#SENT}, or why not; after a failure part of the message may have been sent, and the
     *         receiver will report it incomplete.
     * @throws IllegalArgumentException when the range lies outside {@code source}.
     * @throws IllegalStateException    when a message started with {@link #begin} is still in flight.
     */
    public SendResult send(
        final MessageId id, final DirectBuffer source, final int offset, final int length, final long deadlineNs)
    {
        begin(id, source, offset, length, deadlineNs);
        idle.reset();
        while (true)
        {
            final int before = nextChunk;
            final SendResult result = progress();
            if (result != SendResult.PENDING)
            {
                return result;
            }
            idle.idle(nextChunk - before);
        }
    }

    /**
     * Starts one message without sending anything yet: {@link #progress()} then offers its chunks as the publication
     * takes them, so one thread can interleave messages to several peers and never wait on one of them. The source
     * is read by each {@link #progress()} call until the message is done or {@link #abandon abandoned}: the caller
     * must not change it meanwhile (a chunk's CRC or MAC covers the bytes as they were when it was offered).
     *
     * @param id         the message identity.
     * @param source     the bytes.
     * @param offset     of the first byte in {@code source}.
     * @param length     bytes to send.
     * @param deadlineNs absolute {@link NanoClock} time after which {@link #progress()} gives up.
     * @throws IllegalArgumentException when the range lies outside {@code source}.
     * @throws IllegalStateException    when another message is still in flight.
     */
    public void begin(
        final MessageId id, final DirectBuffer source, final int offset, final int length, final long deadlineNs)
    {
        begin(id, source, offset, length, deadlineNs, null);
    }

    /**
     * Starts one message, as {@link #begin(MessageId, DirectBuffer, int, int, long)}, that other senders on this
     * thread send byte for byte the same to their receivers: with a MAC its chunks are flagged broadcast and each is
     * tagged once, by whichever of them reaches it first ({@link BroadcastTags}). Without a MAC, or when this sender
     * cuts the message otherwise than the first that joined {@code tags}, it tags its chunks itself as usual.
     *
     * @param tags shared by the senders of this message (reset before the message); null: none.
     */
    public void begin(
        final MessageId id, final DirectBuffer source, final int offset, final int length, final long deadlineNs,
        final BroadcastTags tags)
    {
        if (offset < 0 || length < 0 || (long)offset + length > source.capacity())
        {
            throw new IllegalArgumentException("send range [" + offset + ", " + ((long)offset + length) +
                ") lies outside the source buffer of capacity " + source.capacity());
        }
        if (null != this.source)
        {
            throw new IllegalStateException("a message is still in flight on this sender; cannot begin " + id);
        }
        header.putMessage(id.kind(), id.senderId(), id.jobId(), id.fingerprint(), id.step(), id.floatOffset(),
            id.floatLength(), length, auth(), null == mac ? 0L : mac.key().id());
        header.encoding(id.compression());
        this.source = source;
        this.sourceOffset = offset;
        this.sourceLength = length;
        this.readyLength = length;
        this.deadlineNs = deadlineNs;
        this.chunkCount = ChunkHeader.expectedChunkCount(length, chunkLength);
        this.nextChunk = 0;
        this.preparedChunk = -1;
        this.shared = null != mac && null != tags && tags.join(mac.key(), chunkLength, chunkCount) ? tags : null;
        if (null != shared)
        {
            header.flags(ChunkHeader.FLAG_BROADCAST);
        }
    }

    /**
     * Says how much of the message in flight its source holds yet, for a caller that writes the source while it is
     * being sent (e.g. encodes it piece by piece): from now on {@link #progress()} reads and sends only chunks that lie
     * wholly within its first {@code bytes} bytes, and returns {@link SendResult#PENDING} at the first that does not,
     * without offering it (so no deadline runs out there), until a later call says more is ready. {@link #begin}
     * makes the whole message ready; call this right after it, before the first {@link #progress()}, to hold part of
     * it back. Sender thread.
     *
     * @param bytes the bytes from the start of the message that may be read, at most its length.
     * @throws IllegalStateException    when no message is in flight.
     * @throws IllegalArgumentException when {@code bytes} is negative or beyond the message.
     */
    public void ready(final int bytes)
    {
        if (null == source)
        {
            throw new IllegalStateException("no message in flight to make ready");
        }
        if (bytes < 0 || bytes > sourceLength)
        {
            throw new IllegalArgumentException("ready bytes " + bytes + " outside the message's " + sourceLength);
        }
        readyLength = bytes;
    }

    /**
     * Offers the chunks of the message in flight as long as the publication takes them, without waiting: returns at
     * the first chunk it refuses (back-pressure, admin action, no subscriber yet), when the message is complete, or
     * when it failed.
     *
     * @return {@link SendResult#PENDING} while chunks remain (call again later), else the message's outcome as
     *         {@link #send} reports it (the sender is then free for the next message); {@link SendResult#PENDING}
     *         once the deadline passes is never returned, and nothing in flight is {@link SendResult#SENT}.
     */
    public SendResult progress()
    {
        if (null == source)
        {
            return SendResult.SENT;
        }
        while (nextChunk < chunkCount)
        {
            final int byteOffset = nextChunk * chunkLength;
            final int payloadLength = Math.min(chunkLength, sourceLength - byteOffset);
            if (byteOffset + payloadLength > readyLength)
            {
                // Not written yet (see ready): nothing of it is read, tagged or offered.
                return SendResult.PENDING;
            }
            if (preparedChunk != nextChunk)
            {
                // Once per chunk, not per retry: a refused chunk is offered again as it is.
                header.putChunk(nextChunk, chunkCount, chunkLength, byteOffset, payloadLength);
                if (null != shared)
                {
                    tagShared(byteOffset, payloadLength);
                }
                else if (null == mac)
                {
                    header.sequence(sequence++).crc(digest.reset()
                        .update(headerBuffer, 0, ChunkHeader.CHECKSUMMED_LENGTH)
                        .update(source, sourceOffset + byteOffset, payloadLength)
                        .value());
                }
                else
                {
                    header.sequence(sequence++);
                    mac.begin(sink.sessionId(), header, false)
                        .update(source, sourceOffset + byteOffset, payloadLength)
                        .sign(headerBuffer, 0);
                }
                preparedChunk = nextChunk;
            }
            final SendResult result = offerChunk(sourceOffset + byteOffset, payloadLength);
            if (result == SendResult.PENDING)
            {
                return result;
            }
            if (result != SendResult.SENT)
            {
                counters.increment(SenderCounter.FAILURES);
                source = null;
                shared = null;
                return result;
            }
            counters.increment(SenderCounter.CHUNKS);
            counters.add(SenderCounter.BYTES, payloadLength);
            nextChunk++;
        }
        counters.increment(SenderCounter.MESSAGES);
        source = null;
        shared = null;
        return SendResult.SENT;
    }

    /** Puts the current chunk's broadcast tag into the header: another sender's, or computed now and shared. */
    private void tagShared(final int byteOffset, final int payloadLength)
    {
        if (shared.isTagged(nextChunk))
        {
            header.sequence(shared.sequence(nextChunk));
            shared.copyTo(nextChunk, headerBuffer, 0);
            return;
        }
        header.sequence(shared.claim(nextChunk));
        mac.begin(sink.sessionId(), header, false)
            .update(source, sourceOffset + byteOffset, payloadLength)
            .sign(headerBuffer, 0);
        shared.put(nextChunk, headerBuffer, 0);
    }

    /**
     * Gives up the message in flight, if any: its remaining chunks are never offered (the receiver reports it
     * incomplete) and the sender is free for the next message. Counted as a failure.
     *
     * @return true when a message was in flight.
     */
    public boolean abandon()
    {
        if (null == source)
        {
            return false;
        }
        source = null;
        shared = null;
        counters.increment(SenderCounter.FAILURES);
        return true;
    }

    /** @return true while a message started with {@link #begin} has chunks left to offer. */
    public boolean isSending()
    {
        return null != source;
    }

    /** One offer of the current chunk: SENT, PENDING (refused for now, deadline not yet passed) or a failure. */
    private SendResult offerChunk(final int offset, final int length)
    {
        final long result = sink.offer(headerBuffer, 0, ChunkHeader.LENGTH, source, offset, length);
        if (result > 0)
        {
            return SendResult.SENT;
        }
        if (result == Publication.CLOSED)
        {
            return SendResult.CLOSED;
        }
        if (result == Publication.MAX_POSITION_EXCEEDED)
        {
            return SendResult.MAX_POSITION_EXCEEDED;
        }
        final boolean notConnected = result == Publication.NOT_CONNECTED;
        counters.increment(notConnected ? SenderCounter.RETRIES_NOT_CONNECTED : SenderCounter.RETRIES_BACK_PRESSURED);
        if (clock.nanoTime() - deadlineNs >= 0)
        {
            return notConnected ? SendResult.DEADLINE_NOT_CONNECTED : SendResult.DEADLINE_BACK_PRESSURED;
        }
        return SendResult.PENDING;
    }

    /** @return payload bytes per chunk (the last chunk of a message may be shorter). */
    public int chunkLength()
    {
        return chunkLength;
    }

    /** @return the Aeron session id this sender's chunks travel on. */
    public int sessionId()
    {
        return sink.sessionId();
    }

    /** @return true when a subscriber is connected. Sender thread. */
    public boolean isConnected()
    {
        return sink.isConnected();
    }

    /** @return this sender's counters; readable from any thread. */
    public CounterSet<SenderCounter> counters()
    {
        return counters;
    }

    /** Closes the publication. */
    @Override
    public void close()
    {
        sink.close();
    }
}
