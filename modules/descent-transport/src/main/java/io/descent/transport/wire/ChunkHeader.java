package io.descent.transport.wire;

import io.descent.transport.codec.Compression;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over the 104-byte header that starts every chunk (Aeron style: wrap a buffer at an offset, then read or
 * write fields in place; nothing is copied or allocated). Little-endian layout, version 4:
 * <pre>
 *   0  byte  version          ({@link #VERSION})
 *   1  byte  kind             ({@link MessageKind#code()})
 *   2  byte  auth             ({@link ChunkAuth#code()}: what the tag field holds)
 *   3  byte  flags            ({@link #FLAG_BROADCAST} or 0)
 *   4  int   sender id
 *   8  long  job id
 *  16  long  model fingerprint
 *  24  long  step (gradients) or version (weights)
 *  32  long  float offset     of the message's range in the full vector
 *  40  int   float length     of that range
 *  44  int   message length   in bytes
 *  48  int   chunk index      0 .. chunk count - 1
 *  52  int   chunk count
 *  56  int   chunk stride     nominal payload bytes per chunk (the last chunk may be shorter)
 *  60  int   byte offset      of this chunk's payload in the message (= index * stride)
 *  64  int   payload length   in bytes
 *  68  byte  encoding         ({@link Compression#code()}: how the message's values are written; 0 = float32)
 *  69  3 B   reserved         (0)
 *  72  long  key id           of the {@link DataKey} the tag is under (0 with {@link ChunkAuth#CRC_ONLY})
 *  80  long  sequence         the sender's chunk counter (part of the AES-GMAC nonce; never repeats per sender)
 *  88  16 B  tag              CRC32C in the first 4 bytes (crc-only), or the MAC; of the scope (MACs only: the
 *                             receiving session id, 0 for a broadcast), header bytes [0, 88) and the payload
 * 104  payload
 * </pre>
 * The tag covers the header as well as the payload, so a corrupted or forged offset cannot place good bytes in the
 * wrong place. Versions 1 (72 bytes, CRC only), 2 (no flags) and 3 (no encoding byte: bytes 68..71 were a reserved int)
 * are rejected as malformed. Not thread-safe: one flyweight per thread.
 */
public final class ChunkHeader
{
    /** Header length in bytes; the payload follows. */
    public static final int LENGTH = 104;
    /** Bytes of header covered by the tag (everything before the tag field). */
    public static final int CHECKSUMMED_LENGTH = 88;
    /** Offset of the 16-byte tag field. */
    public static final int TAG_OFFSET = 88;
    /** Length of the tag field in bytes. */
    public static final int TAG_LENGTH = 16;
    /**
     * Wire format version: 2 added the auth code, key id, sequence and 16-byte tag; 3 the flags byte (a broadcast
     * chunk's MAC does not cover the receiving session); 4 the encoding byte at 68 (gradient compression: fp16, bf16,
     * threshold), part of the message's identity, where version 3 had a reserved int.
     */
    public static final byte VERSION = 4;
    /**
     * Flag: the chunk goes, byte for byte, to several receivers (the weights to every worker), so its MAC is computed
     * once, over the scope 0 instead of the receiving session id ({@link ChunkMac}). Covered by the MAC itself: a
     * chunk tagged for one session cannot be passed off as a broadcast, nor the other way round.
     */
    public static final byte FLAG_BROADCAST = 1;

    private static final int VERSION_OFFSET = 0;
    private static final int KIND_OFFSET = 1;
    private static final int AUTH_OFFSET = 2;
    private static final int FLAGS_OFFSET = 3;
    private static final int SENDER_ID_OFFSET = 4;
    private static final int JOB_ID_OFFSET = 8;
    private static final int FINGERPRINT_OFFSET = 16;
    private static final int STEP_OFFSET = 24;
    private static final int FLOAT_OFFSET_OFFSET = 32;
    private static final int FLOAT_LENGTH_OFFSET = 40;
    private static final int MESSAGE_LENGTH_OFFSET = 44;
    private static final int CHUNK_INDEX_OFFSET = 48;
    private static final int CHUNK_COUNT_OFFSET = 52;
    private static final int CHUNK_STRIDE_OFFSET = 56;
    private static final int BYTE_OFFSET_OFFSET = 60;
    private static final int PAYLOAD_LENGTH_OFFSET = 64;
    private static final int ENCODING_OFFSET = 68;
    private static final int RESERVED2_OFFSET = 69;
    private static final int KEY_ID_OFFSET = 72;
    private static final int SEQUENCE_OFFSET = 80;
    private static final int CRC_OFFSET = TAG_OFFSET;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    /**
     * Wraps a buffer for reading.
     *
     * @param buffer holding a header at {@code offset}; at least {@link #LENGTH} bytes must follow.
     * @param offset of the header.
     * @return this.
     */
    public ChunkHeader wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = null;
        this.offset = offset;
        return this;
    }

    /**
     * Wraps a buffer for writing (and reading).
     *
     * @param buffer to write a header into at {@code offset}.
     * @param offset of the header.
     * @return this.
     */
    public ChunkHeader wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the wrapped buffer. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** @return the offset of the header in the wrapped buffer. */
    public int offset()
    {
        return offset;
    }

    /**
     * Writes the identity fields that are the same for every chunk of a message (version, kind, ids, range, length)
     * with {@link ChunkAuth#CRC_ONLY}.
     *
     * @return this.
     */
    public ChunkHeader putMessage(
        final MessageKind kind,
        final int senderId,
        final long jobId,
        final long fingerprint,
        final long step,
        final long floatOffset,
        final int floatLength,
        final int messageLength)
    {
        return putMessage(kind, senderId, jobId, fingerprint, step, floatOffset, floatLength, messageLength,
            ChunkAuth.CRC_ONLY, 0L);
    }

    /**
     * Writes the identity fields that are the same for every chunk of a message, and how its chunks are tagged.
     *
     * @param auth  what the tag field holds.
     * @param keyId the id of the key the tags are under (0 for {@link ChunkAuth#CRC_ONLY}).
     * @return this.
     */
    public ChunkHeader putMessage(
        final MessageKind kind,
        final int senderId,
        final long jobId,
        final long fingerprint,
        final long step,
        final long floatOffset,
        final int floatLength,
        final int messageLength,
        final ChunkAuth auth,
        final long keyId)
    {
        mutableBuffer.putByte(offset + VERSION_OFFSET, VERSION);
        mutableBuffer.putByte(offset + KIND_OFFSET, kind.code());
        mutableBuffer.putByte(offset + AUTH_OFFSET, auth.code());
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)0);
        mutableBuffer.putByte(offset + ENCODING_OFFSET, (byte)0);
        mutableBuffer.putByte(offset + RESERVED2_OFFSET, (byte)0);
        mutableBuffer.putShort(offset + RESERVED2_OFFSET + 1, (short)0, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + KEY_ID_OFFSET, keyId, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + SENDER_ID_OFFSET, senderId, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + JOB_ID_OFFSET, jobId, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + FINGERPRINT_OFFSET, fingerprint, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + STEP_OFFSET, step, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + FLOAT_OFFSET_OFFSET, floatOffset, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + FLOAT_LENGTH_OFFSET, floatLength, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + MESSAGE_LENGTH_OFFSET, messageLength, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Writes the per-chunk fields (not the CRC).
     *
     * @return this.
     */
    public ChunkHeader putChunk(
        final int chunkIndex, final int chunkCount, final int chunkStride, final int byteOffset, final int payloadLength)
    {
        mutableBuffer.putInt(offset + CHUNK_INDEX_OFFSET, chunkIndex, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + CHUNK_COUNT_OFFSET, chunkCount, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + CHUNK_STRIDE_OFFSET, chunkStride, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + BYTE_OFFSET_OFFSET, byteOffset, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, LITTLE_ENDIAN);
        return this;
    }

    /** Writes the sender's chunk sequence (before the tag is computed). @return this. */
    public ChunkHeader sequence(final long sequence)
    {
        mutableBuffer.putLong(offset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        return this;
    }

    /** Writes the flags (after {@link #putMessage}, which clears them). @return this. */
    public ChunkHeader flags(final byte flags)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, flags);
        return this;
    }

    /** Writes the encoding (after {@link #putMessage}, which sets float32). @return this. */
    public ChunkHeader encoding(final Compression compression)
    {
        mutableBuffer.putByte(offset + ENCODING_OFFSET, compression.code());
        return this;
    }

    /** @return the raw encoding code; see {@link Compression#fromCode(byte)}. */
    public byte encodingCode()
    {
        return buffer.getByte(offset + ENCODING_OFFSET);
    }

    /** @return the flags byte. */
    public byte flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET);
    }

    /** @return true for a chunk sent byte for byte to several receivers ({@link #FLAG_BROADCAST}). */
    public boolean isBroadcast()
    {
        return (flags() & FLAG_BROADCAST) != 0;
    }

    /** Writes the CRC32C into the tag field (the rest of the field zero). @return this. */
    public ChunkHeader crc(final int crc)
    {
        mutableBuffer.putInt(offset + CRC_OFFSET, crc, LITTLE_ENDIAN);
        mutableBuffer.putInt(offset + CRC_OFFSET + 4, 0, LITTLE_ENDIAN);
        mutableBuffer.putLong(offset + CRC_OFFSET + 8, 0L, LITTLE_ENDIAN);
        return this;
    }

    /** @return the raw auth code; see {@link ChunkAuth#fromCode(byte)}. */
    public byte authCode()
    {
        return buffer.getByte(offset + AUTH_OFFSET);
    }

    /** @return the id of the key the tag is under. */
    public long keyId()
    {
        return buffer.getLong(offset + KEY_ID_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the sender's chunk sequence. */
    public long sequence()
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public byte version()
    {
        return buffer.getByte(offset + VERSION_OFFSET);
    }

    /** @return the raw kind code; see {@link MessageKind#fromCode(byte)}. */
    public byte kindCode()
    {
        return buffer.getByte(offset + KIND_OFFSET);
    }

    public int senderId()
    {
        return buffer.getInt(offset + SENDER_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long jobId()
    {
        return buffer.getLong(offset + JOB_ID_OFFSET, LITTLE_ENDIAN);
    }

    public long fingerprint()
    {
        return buffer.getLong(offset + FINGERPRINT_OFFSET, LITTLE_ENDIAN);
    }

    public long step()
    {
        return buffer.getLong(offset + STEP_OFFSET, LITTLE_ENDIAN);
    }

    public long floatOffset()
    {
        return buffer.getLong(offset + FLOAT_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public int floatLength()
    {
        return buffer.getInt(offset + FLOAT_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public int messageLength()
    {
        return buffer.getInt(offset + MESSAGE_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public int chunkIndex()
    {
        return buffer.getInt(offset + CHUNK_INDEX_OFFSET, LITTLE_ENDIAN);
    }

    public int chunkCount()
    {
        return buffer.getInt(offset + CHUNK_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    public int chunkStride()
    {
        return buffer.getInt(offset + CHUNK_STRIDE_OFFSET, LITTLE_ENDIAN);
    }

    public int byteOffset()
    {
        return buffer.getInt(offset + BYTE_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    public int payloadLength()
    {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    public int crc()
    {
        return buffer.getInt(offset + CRC_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Checks the fields that do not depend on what the receiver expects: version, kind, auth, index within count, count
     * consistent with length and stride, offset = index * stride, payload length = what that chunk must carry.
     *
     * @return true when the header describes a well-formed chunk.
     */
    public boolean isWellFormed()
    {
        final int messageLength = messageLength();
        final int count = chunkCount();
        final int stride = chunkStride();
        final int index = chunkIndex();
        if (version() != VERSION || MessageKind.fromCode(kindCode()) == null || ChunkAuth.fromCode(authCode()) == null ||
            Compression.fromCode(encodingCode()) == null ||
            messageLength < 0 || stride <= 0 ||
            count != expectedChunkCount(messageLength, stride) || index < 0 || index >= count)
        {
            return false;
        }
        final long expectedOffset = (long)index * stride;
        return byteOffset() == expectedOffset &&
            payloadLength() == (int)Math.min(stride, messageLength - expectedOffset);
    }

    /**
     * @param messageLength bytes in the message.
     * @param stride        payload bytes per chunk.
     * @return the number of chunks: at least one, so that an empty message still travels.
     */
    public static int expectedChunkCount(final int messageLength, final int stride)
    {
        return messageLength == 0 ? 1 : (int)((messageLength + (long)stride - 1) / stride);
    }
}
