package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Adds an encoded gradient range into the parameter server's running sum, decoding on the fly (no dense copy of the
 * encoded gradient is made). Stateless; any thread, one call at a time per sum.
 */
public interface GradientDecoder
{
    /** @return the encoding this decoder reads. */
    Compression compression();

    /**
     * {@code sum[i] = (first ? 0 : sum[i]) + weight · decoded[i]} for every {@code i < floats}, in increasing
     * {@code i}, so the result is the same bit for bit on every run.
     *
     * @param encoded      the message as it arrived, from offset 0.
     * @param encodedBytes its length in bytes.
     * @param sum          float32 values, little-endian, from offset 0; written only in {@code [0, floats)}.
     * @param floats       the range's length in floats.
     * @param weight       the factor applied to every decoded value.
     * @param first        true to overwrite the sum rather than add to it.
     * @return true when done; false when the encoding is malformed for this range (length, an index out of range),
     * in which case the sum may be partly written and must not be used.
     */
    boolean accumulate(
        DirectBuffer encoded, int encodedBytes, MutableDirectBuffer sum, int floats, float weight, boolean first);

    /**
     * The squared L2 norm of the range as {@link #accumulate} decodes it at weight 1: {@code Σ decoded[i]²}, summed in
     * double precision. A worker reports it with each gradient, so that server shards which each hold one range can
     * clip their range by the norm of the whole gradient (gradient-norm clipping under {@code ssp} and {@code async}).
     *
     * @param encoded      the message, from offset 0.
     * @param encodedBytes its length in bytes.
     * @param floats       the range's length in floats.
     * @return the sum of squares; +∞ when a decoded value is not finite; NaN when the encoding is malformed for this
     * range (as {@link #accumulate} would find it).
     */
    double squares(DirectBuffer encoded, int encodedBytes, int floats);

    /**
     * For the report's achieved density: how many of the range's values the message carries. Added with the half
     * codecs; a sparse decoder (threshold) overrides it.
     *
     * @param encoded      a message that {@link #accumulate} took.
     * @param encodedBytes its length in bytes.
     * @param floats       the range's length in floats.
     * @return the values it carries: every one ({@code floats}) for a dense encoding.
     */
    default long valuesSent(final DirectBuffer encoded, final int encodedBytes, final int floats)
    {
        return floats;
    }

    /**
     * For the report: the threshold τ the message was encoded with. Added with the half codecs; the threshold decoder
     * overrides it.
     *
     * @param encoded      a message that {@link #accumulate} took.
     * @param encodedBytes its length in bytes.
     * @return τ, or NaN for an encoding without one.
     */
    default double tau(final DirectBuffer encoded, final int encodedBytes)
    {
        return Double.NaN;
    }
}
