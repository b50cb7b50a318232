package io.descent.transport.codec;

/**
 * The layout of a {@link Compression#THRESHOLD} message, shared by {@link ThresholdEncoder} and
 * {@link ThresholdDecoder}. All fields little-endian:
 * <pre>
 *  0  version      byte   {@link #VERSION} (one quantum an element) or {@link #VERSION_LEVELS} (up to L quanta)
 *  1  mode         byte   {@link #MODE_INDICES} or {@link #MODE_BITMAP}
 *  2  flags        byte   {@link #FLAG_NON_FINITE} or 0
 *  3  levels       byte   version 1: 0; version 2: L, the most quanta an element carries, 2 to 127
 *  4  tau          float  the quantum τ of this step, positive and finite
 *  8  count        int    how many elements carry a quantum
 * 12  floats       int    the range's length, checked against the receiver's
 * 16  nonFiniteAt  int    the first element whose gradient was not finite, or -1
 * 20  nonFinite    float  that element's value (NaN or ±infinity), or 0
 * 24  payload
 * </pre>
 * Indices payload: {@code count} int32 entries in strictly increasing element order, the element index in the low 31
 * bits and the sign of its quantum in the top bit (set: −τ). Bitmap payload: {@code ceil(floats / 4)} bytes, two bits
 * an element (element {@code i} in byte {@code i / 4} at bit {@code 2 · (i % 4)}): 00 nothing, 01 +τ, 10 −τ; 11 and
 * bits past the range's end are malformed. The encoder writes the bitmap only when it is smaller, so a message is at
 * most {@code 24 + ceil(floats / 4)} bytes.
 * <p>
 * Version 2 (levels): an element carries {@code ±k·τ}, {@code 1 ≤ k ≤ L}. Indices payload: the {@code count} int32
 * entries as in version 1, then {@code count} bytes, entry {@code j}'s {@code k} in byte {@code j} (0 and values above
 * L are malformed). Level-map payload (mode {@link #MODE_BITMAP}): {@code floats} bytes, element {@code i}'s signed
 * {@code k} in byte {@code i} (0 nothing; {@code |k| > L} is malformed). The encoder writes the map only when it is
 * smaller (more than 1/5 sent), so a version-2 message is at most {@code 24 + floats} bytes.
 */
final class ThresholdFormat
{
    static final byte VERSION = 1;
    static final byte VERSION_LEVELS = 2;
    static final byte MODE_INDICES = 0;
    static final byte MODE_BITMAP = 1;
    static final byte FLAG_NON_FINITE = 1;

    static final int VERSION_OFFSET = 0;
    static final int MODE_OFFSET = 1;
    static final int FLAGS_OFFSET = 2;
    static final int RESERVED_OFFSET = 3;
    static final int LEVELS_OFFSET = RESERVED_OFFSET;
    static final int TAU_OFFSET = 4;
    static final int COUNT_OFFSET = 8;
    static final int FLOATS_OFFSET = 12;
    static final int NON_FINITE_INDEX_OFFSET = 16;
    static final int NON_FINITE_VALUE_OFFSET = 20;
    static final int HEADER_LENGTH = 24;

    /** Top bit of an index entry: the quantum is −τ. */
    static final int NEGATIVE = 0x8000_0000;
    static final int CODE_POSITIVE = 1;
    static final int CODE_NEGATIVE = 2;

    /** The largest range: every byte offset of a float in it fits an int. */
    static final int MAX_FLOATS = Integer.MAX_VALUE / Float.BYTES;

    private ThresholdFormat()
    {
    }

    /** @return the bitmap payload's length for a range of {@code floats} elements. */
    static int bitmapBytes(final int floats)
    {
        return (int)((floats + 3L) >> 2);
    }

    /** @return the most index entries the encoder writes before the bitmap is as small or smaller. */
    static int indexCapacity(final int floats)
    {
        return bitmapBytes(floats) / Integer.BYTES;
    }

    /**
     * @return what {@code level} quanta of {@code tau} are worth: the one product the encoder takes out of a residual
     * and the decoder adds (times its weight), so both agree bit for bit.
     */
    static float quanta(final int level, final float tau)
    {
        return level * tau;
    }

    /** @return the dense payload's length: the 2-bit bitmap (one level) or the byte-a-value level map (more). */
    static int mapBytes(final int floats, final int levels)
    {
        return 1 == levels ? bitmapBytes(floats) : floats;
    }

    /** @return the most entries (index, and a level byte with more than one level) before the map is as small. */
    static int indexCapacity(final int floats, final int levels)
    {
        return 1 == levels ? indexCapacity(floats) : floats / (Integer.BYTES + 1);
    }
}
