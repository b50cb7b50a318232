package io.descent.transport.send;

/** Counters kept by a {@link BufferSender}. */
public enum SenderCounter
{
    /** Messages sent completely. */
    MESSAGES,
    /** Chunks accepted by the publication. */
    CHUNKS,
    /** Payload bytes accepted by the publication. */
    BYTES,
    /** Offers retried because the publication was back-pressured or the driver was busy (admin action). */
    RETRIES_BACK_PRESSURED,
    /** Offers retried because no subscriber was connected yet. */
    RETRIES_NOT_CONNECTED,
    /** Sends that failed (deadline, closed, max position). */
    FAILURES
}
