package io.descent.bench.model;

/**
 * What a gradient compression costs on the step's path ({@link CodecProbe}), per byte of the dense float32 gradient.
 * Immutable.
 *
 * @param encodeSecondsPerByte a worker's encode before its push.
 * @param decodeSecondsPerByte a shard's decode of a gradient into its sum (replacing the dense fold).
 */
public record CodecCost(double encodeSecondsPerByte, double decodeSecondsPerByte)
{
    /** No compression: the gradient goes as it is and is summed by BLAS. */
    public static final CodecCost NONE = new CodecCost(0.0, 0.0);

    public CodecCost
    {
        if (!(encodeSecondsPerByte >= 0) || !(decodeSecondsPerByte >= 0))
        {
            throw new IllegalArgumentException("costs ≥ 0 expected, got " + encodeSecondsPerByte + ", " +
                decodeSecondsPerByte);
        }
    }

    /** @return this cost with the decode {@code slowdown} times slower (the server's work as a run measured it). */
    public CodecCost withDecodeSlowdown(final double slowdown)
    {
        return new CodecCost(encodeSecondsPerByte, decodeSecondsPerByte * slowdown);
    }

    /** @return whether the gradient is encoded at all. */
    public boolean encodes()
    {
        return encodeSecondsPerByte > 0 || decodeSecondsPerByte > 0;
    }
}
