package io.descent.transport.wire;

import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.MessageKind;

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
 */
public record MessageId(
    long jobId, long fingerprint, MessageKind kind, long step, int senderId, long floatOffset, int floatLength)
{
    /** Validates the fields. */
    public MessageId
    {
        Objects.requireNonNull(kind, "kind");
        if (floatOffset < 0 || floatLength < 0)
        {
            throw new IllegalArgumentException(
                "float range must be non-negative: offset=" + floatOffset + " length=" + floatLength);
        }
    }

    /** @return the same identity for another step or version. */
    public MessageId withStep(final long newStep)
    {
        return new MessageId(jobId, fingerprint, kind, newStep, senderId, floatOffset, floatLength);
    }

    /** @return the range's length in bytes ({@code floatLength * 4}). */
    public int byteLength()
    {
        return floatLength * Float.BYTES;
    }

    /**
     * @param header a chunk header.
     * @return true when the header carries this identity (job, fingerprint, kind, step, sender and range).
     */
    public boolean matches(final ChunkHeader header)
    {
        return header.jobId() == jobId && header.fingerprint() == fingerprint && header.kindCode() == kind.code() &&
            header.step() == step && header.senderId() == senderId && header.floatOffset() == floatOffset &&
            header.floatLength() == floatLength;
    }
}
