package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.descent.transport.codec.ThresholdFormat.CODE_NEGATIVE;
import static io.descent.transport.codec.ThresholdFormat.CODE_POSITIVE;
import static io.descent.transport.codec.ThresholdFormat.HEADER_LENGTH;
import static io.descent.transport.codec.ThresholdFormat.NEGATIVE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Adds a {@link Compression#THRESHOLD} message ({@link ThresholdFormat}) into the server's sum: each listed element
 * gets {@code weight · (±τ)}, in increasing element order; a flagged message then adds {@code weight · value} of its
 * first non-finite element, so the sum is non-finite and the divergence check fires. Every field is checked before it
 * is used (version, mode, flags, τ positive and finite, count, the range's length, the exact message length, indices
 * strictly increasing and inside the range, bitmap codes); a malformed message returns false and nothing outside
 * {@code [0, floats)} of the sum is ever written. Stateless and allocation-free; any thread, one call at a time per sum.
 */
public final class ThresholdDecoder implements GradientDecoder
{
    @Override
    public Compression compression()
    {
        return Compression.THRESHOLD;
    }

    @Override
    public boolean accumulate(
        final DirectBuffer encoded,
        final int encodedBytes,
        final MutableDirectBuffer sum,
        final int floats,
        final float weight,
        final boolean first)
    {
        if (floats < 0 || floats > ThresholdFormat.MAX_FLOATS || sum.capacity() < (long)floats * Float.BYTES)
        {
            throw new IllegalArgumentException("sum of " + sum.capacity() + " bytes cannot hold " + floats + " floats");
        }
        if (encodedBytes < HEADER_LENGTH || encodedBytes > encoded.capacity() || !headerIsValid(encoded, floats))
        {
            return false;
        }
        final byte mode = encoded.getByte(ThresholdFormat.MODE_OFFSET);
        final int count = encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
        final long expectedBytes = HEADER_LENGTH + (ThresholdFormat.MODE_INDICES == mode ?
            (long)count * Integer.BYTES : ThresholdFormat.bitmapBytes(floats));
        if (expectedBytes != encodedBytes)
        {
            return false;
        }
        if (first)
        {
            sum.setMemory(0, floats * Float.BYTES, (byte)0);
        }
        final float tau = encoded.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN);
        final float plus = weight * tau;
        final float minus = weight * -tau;
        final boolean decoded = ThresholdFormat.MODE_INDICES == mode ?
            addIndices(encoded, count, sum, floats, plus, minus) : addBitmap(encoded, count, sum, floats, plus, minus);
        if (!decoded)
        {
            return false;
        }
        final int nonFiniteAt = encoded.getInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, LITTLE_ENDIAN);
        if (nonFiniteAt >= 0)
        {
            add(sum, nonFiniteAt, weight * encoded.getFloat(ThresholdFormat.NON_FINITE_VALUE_OFFSET, LITTLE_ENDIAN));
        }
        return true;
    }

    /** Everything but the payload: version, mode, flags and the non-finite fields agreeing, τ, count, length. */
    private static boolean headerIsValid(final DirectBuffer encoded, final int floats)
    {
        final byte mode = encoded.getByte(ThresholdFormat.MODE_OFFSET);
        final byte flags = encoded.getByte(ThresholdFormat.FLAGS_OFFSET);
        final float tau = encoded.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN);
        final int count = encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
        final int nonFiniteAt = encoded.getInt(ThresholdFormat.NON_FINITE_INDEX_OFFSET, LITTLE_ENDIAN);
        final float nonFiniteValue = encoded.getFloat(ThresholdFormat.NON_FINITE_VALUE_OFFSET, LITTLE_ENDIAN);
        final boolean nonFiniteAgrees = 0 == flags ?
            -1 == nonFiniteAt && 0 == Float.floatToRawIntBits(nonFiniteValue) :
            ThresholdFormat.FLAG_NON_FINITE == flags && nonFiniteAt >= 0 && nonFiniteAt < floats &&
            !Float.isFinite(nonFiniteValue);
        return ThresholdFormat.VERSION == encoded.getByte(ThresholdFormat.VERSION_OFFSET) &&
            (ThresholdFormat.MODE_INDICES == mode || ThresholdFormat.MODE_BITMAP == mode) &&
            0 == encoded.getByte(ThresholdFormat.RESERVED_OFFSET) &&
            nonFiniteAgrees &&
            tau > 0.0f && tau < Float.POSITIVE_INFINITY &&
            count >= 0 && count <= floats &&
            floats == encoded.getInt(ThresholdFormat.FLOATS_OFFSET, LITTLE_ENDIAN);
    }

    private static boolean addIndices(
        final DirectBuffer encoded,
        final int count,
        final MutableDirectBuffer sum,
        final int floats,
        final float plus,
        final float minus)
    {
        int previous = -1;
        for (int k = 0; k < count; k++)
        {
            final int entry = encoded.getInt(HEADER_LENGTH + (k << 2), LITTLE_ENDIAN);
            final int element = entry & ~NEGATIVE;
            if (element <= previous || element >= floats)
            {
                return false;
            }
            add(sum, element, entry < 0 ? minus : plus);
            previous = element;
        }
        return true;
    }

    private static boolean addBitmap(
        final DirectBuffer encoded,
        final int count,
        final MutableDirectBuffer sum,
        final int floats,
        final float plus,
        final float minus)
    {
        final int bytes = ThresholdFormat.bitmapBytes(floats);
        int seen = 0;
        for (int b = 0; b < bytes; b++)
        {
            final int codes = encoded.getByte(HEADER_LENGTH + b) & 0xFF;
            if (0 == codes)
            {
                continue;
            }
            for (int slot = 0; slot < 4; slot++)
            {
                final int code = (codes >> (slot << 1)) & 3;
                if (0 == code)
                {
                    continue;
                }
                final int element = (b << 2) + slot;
                if (element >= floats || (CODE_POSITIVE != code && CODE_NEGATIVE != code))
                {
                    return false;
                }
                add(sum, element, CODE_POSITIVE == code ? plus : minus);
                seen++;
            }
        }
        return seen == count;
    }

    private static void add(final MutableDirectBuffer sum, final int element, final float value)
    {
        final int at = element << 2;
        sum.putFloat(at, sum.getFloat(at, LITTLE_ENDIAN) + value, LITTLE_ENDIAN);
    }
}
