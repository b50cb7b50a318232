package io.descent.transport.send;

import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.DataKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The MACs of one message that several {@link BufferSender}s send, byte for byte the same, to different receivers
 * (the weights to every worker): the first sender to reach a chunk tags it as a broadcast
 * ({@link ChunkHeader#FLAG_BROADCAST}) under a sequence drawn here, and the others copy that sequence and tag instead
 * of computing their own, so each chunk is MAC'd once, not once per receiver. Senders share it only when they cut the
 * message alike and tag under the same key ({@link #join}); the first to join fixes both.
 *
 * <p>Its sequences start at a random value, as a sender's do, so broadcast AES-GMAC nonces (scope 0, sequence) do not
 * repeat under one key. {@link #reset} it for the next message once no sender uses it any more. Not thread-safe: the
 * senders that share it run on one thread (a {@code FanOutSender}). Allocates only when a message has more chunks than
 * any before.
 */
public final class BroadcastTags
{
    private static final SecureRandom SEQUENCES = new SecureRandom();

    private long nextSequence = SEQUENCES.nextLong();
    private DataKey key;
    private int chunkLength;
    private int chunkCount;
    private long[] sequences = new long[0];
    private byte[] tags = new byte[0];
    private boolean[] tagged = new boolean[0];
    private long computed;
    private long reused;

    /** Forgets the message (keeps the sequence running and the counts): the next {@link #join} starts another. */
    public void reset()
    {
        key = null;
        Arrays.fill(tagged, 0, chunkCount, false);
        chunkCount = 0;
    }

    /**
     * Joins a sender to the message: the first joiner fixes the key and the cut, later ones share only if theirs match.
     *
     * @return true when the sender may use these tags; false: it tags its chunks itself.
     */
    boolean join(final DataKey senderKey, final int senderChunkLength, final int senderChunkCount)
    {
        if (null == key)
        {
            key = senderKey;
            chunkLength = senderChunkLength;
            chunkCount = senderChunkCount;
            if (tagged.length < senderChunkCount)
            {
                sequences = new long[senderChunkCount];
                tags = new byte[senderChunkCount * ChunkHeader.TAG_LENGTH];
                tagged = new boolean[senderChunkCount];
            }
            return true;
        }
        return key.sameAs(senderKey) && chunkLength == senderChunkLength && chunkCount == senderChunkCount;
    }

    /** @return true when chunk {@code index} was tagged by a sender. */
    boolean isTagged(final int index)
    {
        return tagged[index];
    }

    /** @return the sequence chunk {@code index} was tagged under. */
    long sequence(final int index)
    {
        return sequences[index];
    }

    /** @return a fresh sequence for chunk {@code index}, which the caller tags now and then {@link #put}s. */
    long claim(final int index)
    {
        sequences[index] = nextSequence++;
        return sequences[index];
    }

    /** Keeps chunk {@code index}'s tag, read from the signed header at {@code headerOffset}. */
    void put(final int index, final DirectBuffer header, final int headerOffset)
    {
        header.getBytes(headerOffset + ChunkHeader.TAG_OFFSET, tags, index * ChunkHeader.TAG_LENGTH,
            ChunkHeader.TAG_LENGTH);
        tagged[index] = true;
        computed++;
    }

    /** Writes chunk {@code index}'s tag into the header at {@code headerOffset}. */
    void copyTo(final int index, final MutableDirectBuffer header, final int headerOffset)
    {
        header.putBytes(headerOffset + ChunkHeader.TAG_OFFSET, tags, index * ChunkHeader.TAG_LENGTH,
            ChunkHeader.TAG_LENGTH);
        reused++;
    }

    /** @return chunks tagged here so far (every message). */
    public long computed()
    {
        return computed;
    }

    /** @return chunks that took a tag computed by another sender so far (every message). */
    public long reused()
    {
        return reused;
    }
}
