package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.descent.transport.codec.ThresholdFormat.HEADER_LENGTH;
import static io.descent.transport.codec.ThresholdFormat.NEGATIVE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Adds a {@link Compression#THRESHOLD} message ({@link ThresholdFormat}) into the server's sum: each listed element
 * gets {@code weight · (±τ)} (version 2: {@code weight · (±k·τ)}), in increasing element order; a flagged message then
 * adds {@code weight · value} of its first non-finite element, so the sum is non-finite and the divergence check
 * fires. Every field is checked before it is used (version, mode, flags, the levels byte, τ positive and finite,
 * count, the range's length, the exact message length, indices strictly increasing and inside the range, bitmap codes,
 * each k within [1, L]); a malformed message returns false and nothing outside {@code [0, floats)} of the sum is ever
 * written (a malformed payload may have added part of itself inside it). Stateless and allocation-free; any thread,
 * one call at a time per sum.
 */
public final class ThresholdDecoder implements GradientDecoder
{
    /**
     * @param floats a range's length in floats.
     * @return the largest message of that range (header plus bitmap): the capacity a receiver stages it in.
     */
    public static int maxEncodedBytes(final int floats)
    {
        return maxEncodedBytes(floats, 1);
    }

    /**
     * @param floats a range's length in floats.
     * @param levels the most quanta an element carries ({@link ThresholdSettings#levels()}).
     * @return the largest message of that range and levels: the capacity a receiver stages it in.
     */
    public static int maxEncodedBytes(final int floats, final int levels)
    {
        return HEADER_LENGTH + ThresholdFormat.mapBytes(floats, levels);
    }

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
        if (expectedBytes(encoded, floats) != encodedBytes)
        {
            return false;
        }
        final byte mode = encoded.getByte(ThresholdFormat.MODE_OFFSET);
        final int count = encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
        final int levels = encoded.getByte(ThresholdFormat.LEVELS_OFFSET);
        final boolean leveled = ThresholdFormat.VERSION_LEVELS == encoded.getByte(ThresholdFormat.VERSION_OFFSET);
        if (first)
        {
            sum.setMemory(0, floats * Float.BYTES, (byte)0);
        }
        final float tau = encoded.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN);
        final float plus = weight * tau;
        final float minus = weight * -tau;
        final boolean decoded;
        if (leveled)
        {
            decoded = ThresholdFormat.MODE_INDICES == mode ?
                addLeveledIndices(encoded, count, levels, sum, floats, weight, tau) :
                addLevelMap(encoded, count, levels, sum, floats, weight, tau);
        }
        else
        {
            decoded = ThresholdFormat.MODE_INDICES == mode ?
                addIndices(encoded, count, sum, floats, plus, minus) : addBitmap(encoded, count, sum, floats, plus, minus);
        }
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

    /**
     * {@inheritDoc} Reads only the header and, with levels, the level bytes: version 1 carries {@code count} values
     * of ±τ; a flagged message (a non-finite gradient) is +∞. Checks the header and the length as {@link #accumulate}
     * does, not the indices.
     */
    @Override
    public double squares(final DirectBuffer encoded, final int encodedBytes, final int floats)
    {
        if (floats < 0 || floats > ThresholdFormat.MAX_FLOATS || encodedBytes < HEADER_LENGTH ||
            encodedBytes > encoded.capacity() || !headerIsValid(encoded, floats) ||
            expectedBytes(encoded, floats) != encodedBytes)
        {
            return Double.NaN;
        }
        if (0 != encoded.getByte(ThresholdFormat.FLAGS_OFFSET))
        {
            return Double.POSITIVE_INFINITY;
        }
        final float tau = encoded.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN);
        final int count = encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
        if (ThresholdFormat.VERSION == encoded.getByte(ThresholdFormat.VERSION_OFFSET))
        {
            return count * ((double)tau * tau);
        }
        final boolean indices = ThresholdFormat.MODE_INDICES == encoded.getByte(ThresholdFormat.MODE_OFFSET);
        // Indices: entry j's k in byte j after the entries; the level map: element i's signed k in byte i.
        final int from = HEADER_LENGTH + (indices ? count << 2 : 0);
        final int to = indices ? from + count : HEADER_LENGTH + floats;
        double squares = 0.0;
        for (int at = from; at < to; at++)
        {
            final byte code = encoded.getByte(at);
            if (0 != code)
            {
                final double value = ThresholdFormat.quanta(Math.abs(code), tau);
                squares += value * value;
            }
        }
        return squares;
    }

    /** @return the length a message with this (valid) header must have for a range of {@code floats}. */
    private static long expectedBytes(final DirectBuffer encoded, final int floats)
    {
        final byte mode = encoded.getByte(ThresholdFormat.MODE_OFFSET);
        final int count = encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
        final int levels = encoded.getByte(ThresholdFormat.LEVELS_OFFSET);
        final boolean leveled = ThresholdFormat.VERSION_LEVELS == encoded.getByte(ThresholdFormat.VERSION_OFFSET);
        return HEADER_LENGTH + (ThresholdFormat.MODE_INDICES == mode ?
            (long)count * (leveled ? Integer.BYTES + 1 : Integer.BYTES) :
            ThresholdFormat.mapBytes(floats, leveled ? levels : 1));
    }

    /** @return the elements the message carries a quantum for (its count), or 0 for a message too short to say. */
    @Override
    public long valuesSent(final DirectBuffer encoded, final int encodedBytes, final int floats)
    {
        return encodedBytes < HEADER_LENGTH ? 0 : encoded.getInt(ThresholdFormat.COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the quantum τ the message was encoded with, or NaN for a message too short to say. */
    @Override
    public double tau(final DirectBuffer encoded, final int encodedBytes)
    {
        return encodedBytes < HEADER_LENGTH ? Double.NaN : encoded.getFloat(ThresholdFormat.TAU_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * Everything but the payload: version and its levels byte (version 1: 0; version 2: 2 to
     * {@link ThresholdSettings#MAX_LEVELS}), mode, flags and the non-finite fields agreeing, τ, count, length.
     */
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
        final byte version = encoded.getByte(ThresholdFormat.VERSION_OFFSET);
        final byte levels = encoded.getByte(ThresholdFormat.LEVELS_OFFSET);
        final boolean levelsAgree = ThresholdFormat.VERSION == version ? 0 == levels :
            ThresholdFormat.VERSION_LEVELS == version && levels >= 2 && levels <= ThresholdSettings.MAX_LEVELS;
        return levelsAgree &&
            (ThresholdFormat.MODE_INDICES == mode || ThresholdFormat.MODE_BITMAP == mode) &&
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
        int b = 0;
        for (; b + Long.BYTES <= bytes; b += Long.BYTES)
        {
            final long word = encoded.getLong(HEADER_LENGTH + b, LITTLE_ENDIAN);
            if (0 != word)
            {
                final int added = addWord(word, b << 2, sum, floats, plus, minus);
                if (added < 0)
                {
                    return false;
                }
                seen += added;
            }
        }
        long tail = 0;
        for (int k = 0; b + k < bytes; k++)
        {
            tail |= (encoded.getByte(HEADER_LENGTH + b + k) & 0xFFL) << (k << 3);
        }
        final int added = addWord(tail, b << 2, sum, floats, plus, minus);
        return added >= 0 && seen + added == count;
    }

    /**
     * Adds the quanta of 32 bitmap codes (element {@code base + k} in bits {@code 2k, 2k + 1}), lowest first.
     *
     * @return how many were added, or -1 for a code 11 or a quantum past the range's end.
     */
    private static int addWord(
        final long word, final int base, final MutableDirectBuffer sum, final int floats, final float plus,
        final float minus)
    {
        if (0 != (word & (word >>> 1) & 0x5555_5555_5555_5555L))
        {
            return -1;
        }
        int added = 0;
        long rest = word;
        while (0 != rest)
        {
            final int bit = Long.numberOfTrailingZeros(rest);
            final int slot = bit >>> 1;
            final int element = base + slot;
            if (element >= floats)
            {
                return -1;
            }
            // 01 has its lowest set bit even (+τ), 10 odd (−τ).
            add(sum, element, 0 == (bit & 1) ? plus : minus);
            rest &= ~(3L << (slot << 1));
            added++;
        }
        return added;
    }

    /** Version 2 indices: the entries as version 1, then each entry's k in a byte of its own, in [1, levels]. */
    private static boolean addLeveledIndices(
        final DirectBuffer encoded,
        final int count,
        final int levels,
        final MutableDirectBuffer sum,
        final int floats,
        final float weight,
        final float tau)
    {
        final int levelsAt = HEADER_LENGTH + (count << 2);
        int previous = -1;
        for (int k = 0; k < count; k++)
        {
            final int entry = encoded.getInt(HEADER_LENGTH + (k << 2), LITTLE_ENDIAN);
            final int element = entry & ~NEGATIVE;
            final int level = encoded.getByte(levelsAt + k);
            if (element <= previous || element >= floats || level < 1 || level > levels)
            {
                return false;
            }
            final float value = weight * ThresholdFormat.quanta(level, tau);
            add(sum, element, entry < 0 ? -value : value);
            previous = element;
        }
        return true;
    }

    /** Version 2 map: element i's signed k in byte i, 0 for nothing, |k| within levels, {@code count} of them. */
    private static boolean addLevelMap(
        final DirectBuffer encoded,
        final int count,
        final int levels,
        final MutableDirectBuffer sum,
        final int floats,
        final float weight,
        final float tau)
    {
        int seen = 0;
        int i = 0;
        for (; i + Long.BYTES <= floats; i += Long.BYTES)
        {
            // Most of a map is zeros: skip them eight at a time.
            if (0L != encoded.getLong(HEADER_LENGTH + i, LITTLE_ENDIAN))
            {
                for (int j = i; j < i + Long.BYTES; j++)
                {
                    final int added = addLevel(encoded.getByte(HEADER_LENGTH + j), j, levels, sum, weight, tau);
                    if (added < 0)
                    {
                        return false;
                    }
                    seen += added;
                }
            }
        }
        for (; i < floats; i++)
        {
            final int added = addLevel(encoded.getByte(HEADER_LENGTH + i), i, levels, sum, weight, tau);
            if (added < 0)
            {
                return false;
            }
            seen += added;
        }
        return seen == count;
    }

    /** @return 1 when element {@code i}'s code added k quanta, 0 for none, -1 for a k beyond the levels. */
    private static int addLevel(
        final byte code, final int i, final int levels, final MutableDirectBuffer sum, final float weight,
        final float tau)
    {
        if (0 == code)
        {
            return 0;
        }
        final int level = Math.abs(code);
        if (level > levels)
        {
            return -1;
        }
        final float value = weight * ThresholdFormat.quanta(level, tau);
        add(sum, i, code < 0 ? -value : value);
        return 1;
    }

    private static void add(final MutableDirectBuffer sum, final int element, final float value)
    {
        final int at = element << 2;
        sum.putFloat(at, sum.getFloat(at, LITTLE_ENDIAN) + value, LITTLE_ENDIAN);
    }
}
