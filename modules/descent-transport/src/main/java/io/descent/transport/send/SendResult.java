package io.descent.transport.send;

/**
 * Outcome of {@link BufferSender#send} and {@link BufferSender#progress}. Anything but {@link #SENT} and
 * {@link #PENDING} means the receiver will not get the message.
 */
public enum SendResult
{
    /** Every chunk was accepted by the publication. */
    SENT,
    /** Only from {@link BufferSender#progress}: chunks remain, the deadline has not passed; call it again later. */
    PENDING,
    /** The sender gave the message up before it was complete ({@link BufferSender#abandon}: its peer was dropped). */
    ABANDONED,
    /** No subscriber connected before the deadline. */
    DEADLINE_NOT_CONNECTED,
    /** The receiver did not make room (stopped polling, too slow) before the deadline. */
    DEADLINE_BACK_PRESSURED,
    /** The publication was closed (by this process, or the driver went away). */
    CLOSED,
    /** The publication reached its maximum position; a new publication is needed. */
    MAX_POSITION_EXCEEDED;

    /** @return true for {@link #SENT}. */
    public boolean isSent()
    {
        return this == SENT;
    }
}
