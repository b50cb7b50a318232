package io.descent.transport.wire;

/** What a dense buffer holds. The code is its one-byte wire value. */
public enum MessageKind
{
    /** A worker's gradient for one step, pushed to the parameter server. */
    GRADIENT((byte)1),
    /** The parameter server's weights at one version, pushed to workers. */
    WEIGHTS((byte)2),
    /** The parameter server's order for one step: what a worker computes on the weights of that version. */
    STEP_ORDER((byte)3),
    /** What a worker reports with its gradient of one step: example count, loss, counters. */
    GRADIENT_META((byte)4);

    private static final MessageKind[] BY_CODE = { null, GRADIENT, WEIGHTS, STEP_ORDER, GRADIENT_META };

    private final byte code;

    MessageKind(final byte code)
    {
        this.code = code;
    }

    /** @return the wire value. */
    public byte code()
    {
        return code;
    }

    /**
     * @param code a wire value.
     * @return the kind, or null when the code is unknown (a malformed chunk).
     */
    public static MessageKind fromCode(final byte code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
