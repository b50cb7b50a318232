package io.descent.transport.send;

/** Outcome of {@link BufferSender#send}. Anything but {@link #SENT} means the receiver will not get the message. */
public enum SendResult
{
    /** Every chunk was accepted by the publication. */
    SENT,
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
