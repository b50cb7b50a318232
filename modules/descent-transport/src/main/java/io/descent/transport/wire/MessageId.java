package io.descent.transport.wire;

import io.descent.transport.codec.Compression;

import java.util.Objects;

/**
 * The identity of one dense-buffer message: which job and model it belongs to, what it holds, for which step, from
 * whom, and which float range of the full vector it covers. Travels in every chunk header; the receiver matches
 * chunks to registered destinations by it. Immutable and thread-safe; make one per message or keep one per
 * (kind, sender) and use {@link #withStep(long)}.
 *
 * @param jobId       the training job.
 * @param fingerprint the model fingerprint (architecture + parameter count); a buffer for another model is rejected.
 * @param kind        gradient or weights.
 * @param step        the step (gradients) or version (weights).
 * @param senderId    the sender's rank (workers) or id (parameter server).
 * @param floatOffset first float of the range in the full vector (0 for an unsharded model).
 * @param floatLength number of floats in the range.
 * @param compression how the range's values are encoded ({@link Compression#NONE}: float32); a chunk encoded
 *                    otherwise does not match.
 */
public record MessageId(
    long jobId, long fingerprint, MessageKind kind, long step, int senderId, long floatOffset, int floatLength,
    Compression compression)
{
    /** Validates the fields. */
    public MessageId
    {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(compression, "compression");
        if (floatOffset < 0 || floatLength < 0)
        {
            throw new IllegalArgumentException(
                "float range must be non-negative: offset=" + floatOffset + " length=" + floatLength);
        }
    }

    /** An identity of plain float32 values ({@link Compression#NONE}). */
    public MessageId(
        final long jobId, final long fingerprint, final MessageKind kind, final long step, final int senderId,
        final long floatOffset, final int floatLength)
    {
        this(jobId, fingerprint, kind, step, senderId, floatOffset, floatLength, Compression.NONE);
    }

    /** @return the same identity for another step or version. */
    public MessageId withStep(final long newStep)
    {
        return new MessageId(jobId, fingerprint, kind, newStep, senderId, floatOffset, floatLength, compression);
    }

    /** @return the same identity with its values encoded as {@code newCompression}. */
    public MessageId withCompression(final Compression newCompression)
    {
        return new MessageId(jobId, fingerprint, kind, step, senderId, floatOffset, floatLength, newCompression);
    }

    /**
     * @return the message's length in bytes: {@code floatLength} times the encoding's bytes per value (4 for float32,
     * 2 for fp16 and bf16).
     * @throws IllegalStateException for a variable-length encoding ({@link Compression#isVariableLength()}): its
     *                               length is the sender's to tell, and a receiver's bound is its destination.
     */
    public int byteLength()
    {
        if (compression.isVariableLength())
        {
            throw new IllegalStateException("a " + compression.label() + " message has no fixed length: " + this);
        }
        return floatLength * compression.bytesPerValue();
    }

    /**
     * @param header a chunk header.
     * @return true when the header carries this identity (job, fingerprint, kind, step, sender, range and
     * encoding).
     */
    public boolean matches(final ChunkHeader header)
    {
        return matchesExceptEncoding(header) && header.encodingCode() == compression.code();
    }

    /**
     * @param header a chunk header.
     * @return true when the header carries this identity but perhaps another encoding: a message encoded otherwise
     * than expected.
     */
    public boolean matchesExceptEncoding(final ChunkHeader header)
    {
        return header.jobId() == jobId && header.fingerprint() == fingerprint && header.kindCode() == kind.code() &&
            header.step() == step && header.senderId() == senderId && header.floatOffset() == floatOffset &&
            header.floatLength() == floatLength;
    }
}
