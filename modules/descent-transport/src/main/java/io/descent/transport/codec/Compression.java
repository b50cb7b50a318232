package io.descent.transport.codec;

/**
 * How gradients are encoded on the wire ({@code descent.cluster.compression}). The code is the one-byte value the
 * data plane's message identity carries, so a receiver decodes what the sender encoded or drops the message.
 */
public enum Compression
{
    /** Dense float32, 4 bytes a value: today's format, exact. */
    NONE((byte)0, "none", Float.BYTES),
    /** IEEE 754 binary16, 2 bytes a value, round to nearest even (Horovod's compression). */
    FP16((byte)1, "fp16", Short.BYTES),
    /** bfloat16 (the float32's upper 16 bits, round to nearest even), 2 bytes a value, float32's range. */
    BF16((byte)2, "bf16", Short.BYTES),
    /**
     * Threshold quantization with error feedback (Strom 2015): the worker keeps a residual, sends only the elements
     * whose residual exceeds τ, as ±τ, and subtracts what it sent; τ adapts to a target density.
     */
    THRESHOLD((byte)3, "threshold", 0);

    private static final Compression[] BY_CODE = { NONE, FP16, BF16, THRESHOLD };

    private final byte code;
    private final String label;
    private final int bytesPerValue;

    Compression(final byte code, final String label, final int bytesPerValue)
    {
        this.code = code;
        this.label = label;
        this.bytesPerValue = bytesPerValue;
    }

    /**
     * @return bytes per value of a fixed-width encoding (4 for {@link #NONE}, 2 for fp16 and bf16), or 0 for a
     * variable-length one ({@link #THRESHOLD}), whose message length only its arrival tells.
     */
    public int bytesPerValue()
    {
        return bytesPerValue;
    }

    /** @return true when a message's length depends on its values, not only on its float count. */
    public boolean isVariableLength()
    {
        return bytesPerValue == 0;
    }

    /** @return the wire value. */
    public byte code()
    {
        return code;
    }

    /** @return the name used in settings, reports and metrics ({@code none}, {@code fp16}, …). */
    public String label()
    {
        return label;
    }

    /**
     * @param code a wire value.
     * @return the compression, or null when the code is unknown (a malformed chunk).
     */
    public static Compression fromCode(final byte code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * @param label a settings value.
     * @return the compression, or null when no compression has that name.
     */
    public static Compression fromLabel(final String label)
    {
        for (final Compression compression : values())
        {
            if (compression.label.equals(label))
            {
                return compression;
            }
        }
        return null;
    }
}
