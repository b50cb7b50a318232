package io.descent.transport.receive;

/**
 * Counters kept by a {@link BufferReceiver}. Every dropped chunk is counted under exactly one reason; the two message
 * counters at the end count stale messages once each, next to their chunks.
 */
public enum ReceiverCounter
{
    /** Messages delivered complete and verified. */
    COMPLETED,
    /** Messages reported incomplete at their deadline. */
    INCOMPLETE,
    /** Expected messages cancelled by their owner before they completed (their later chunks count as LATE). */
    CANCELLED,
    /** Chunks verified and written into a destination. */
    CHUNKS,
    /** Payload bytes verified and written into a destination. */
    BYTES,
    /** Chunks dropped because their CRC32C did not match (header or payload corrupted). */
    CRC_FAILURES,
    /**
     * Chunks dropped, on a receiver that authenticates ({@link BufferReceiver#authenticate}), because their MAC did not
     * verify or they carried none or another algorithm's (forged, corrupted, or from a node configured otherwise).
     */
    REJECTED_BAD_MAC,
    /**
     * Chunks dropped, on a receiver that authenticates, because they came on an Aeron session that is not the one
     * bound to their sender ({@link BufferReceiver#bindSession}), or from a sender bound to none.
     */
    REJECTED_UNKNOWN_SESSION,
    /**
     * Chunks dropped, on a receiver that authenticates, because they are under another key than the receiver's (a
     * replay from an earlier incarnation of the job, or a node of another one).
     */
    REJECTED_REPLAY,
    /**
     * Chunks dropped because the same chunk of the same message had already been written, also after the message was
     * delivered (while the receiver remembers it: the last {@code max-slots} ended expectations).
     */
    DUPLICATES,
    /**
     * Chunks dropped because they came after the receiver was done with their message: its expectation had ended
     * incomplete at its deadline or was cancelled, or the chunk is for a step at or below the highest step of its kind
     * that ended.
     */
    LATE,
    /** Chunks dropped because no registered destination belongs to their job. */
    REJECTED_UNKNOWN_JOB,
    /** Chunks dropped because their job is expected but with another model fingerprint. */
    REJECTED_FINGERPRINT,
    /** Chunks dropped because their job and model are known but no destination expects that message (not yet). */
    REJECTED_UNEXPECTED,
    /**
     * Chunks dropped because a destination expects their message but encoded otherwise (e.g. an fp16 gradient where
     * float32 is expected: a node configured with another {@code compression}); never decoded as the wrong format.
     */
    REJECTED_ENCODING,
    /** Chunks dropped because their header is inconsistent (version, kind, index >= count, offset, length). */
    REJECTED_MALFORMED,
    /** Chunks dropped because their message length or chunking differs from the destination's expectation. */
    REJECTED_OUT_OF_RANGE,
    /** Messages, counted at their first chunk (index 0), that came again after they were delivered: see DUPLICATES. */
    DUPLICATE_MESSAGES,
    /** Messages, counted at their first chunk (index 0), that came after the receiver was done with them: see LATE. */
    LATE_MESSAGES
}
