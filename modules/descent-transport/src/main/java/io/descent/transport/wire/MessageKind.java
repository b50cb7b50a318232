package io.descent.transport.wire;

/** What a dense buffer holds. The code is its one-byte wire value. */
public enum MessageKind
{
    /** A worker's gradient for one step, pushed to the parameter server. */
    GRADIENT((byte)1),
    /** The parameter server's weights at one version, pushed to workers. */
    WEIGHTS((byte)2);

    private static final MessageKind[] BY_CODE = { null, GRADIENT, WEIGHTS };

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
