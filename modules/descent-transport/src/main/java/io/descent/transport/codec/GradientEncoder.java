package io.descent.transport.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes one worker's gradient range in a wire encoding. One instance per (worker, range); confined to the worker's
 * compute thread. A stateful encoder (threshold: the error-feedback residual) keeps its state between steps.
 */
public interface GradientEncoder
{
    /** @return the encoding this encoder writes. */
    Compression compression();

    /** @return the number of float32 values of the range this encoder was made for. */
    int floats();

    /** @return the largest encoding of the range, in bytes: the capacity a receiver stages it in. */
    int maxEncodedBytes();

    /**
     * Encodes the range's {@link #floats()} float32 values (little-endian, from {@code gradient} at
     * {@code byteOffset}) into {@code dst} from offset 0.
     *
     * @param gradient   the worker's gradient; read only.
     * @param byteOffset where the range starts in it, in bytes.
     * @param dst        where the encoding goes; at least {@link #maxEncodedBytes()} long.
     * @return the number of bytes written (the message's length on the wire).
     */
    int encode(DirectBuffer gradient, int byteOffset, MutableDirectBuffer dst);

    /**
     * @return true when each value's encoding has a place of its own, {@link #bytesFor(int)} values in, so a range
     * can be encoded in pieces ({@link #encode(DirectBuffer, int, MutableDirectBuffer, int, int)}), e.g. while the
     * first pieces are already being sent; false (this default) when it is written only whole (threshold).
     */
    default boolean encodesInPieces()
    {
        return false;
    }

    /**
     * For an encoder that {@link #encodesInPieces()}: the bytes of the encoding of the range's first {@code values}.
     *
     * @throws UnsupportedOperationException otherwise (this default).
     */
    default int bytesFor(final int values)
    {
        throw new UnsupportedOperationException(compression().label() + " encodes a range only whole");
    }

    /**
     * For an encoder that {@link #encodesInPieces()}: encodes values {@code [from, to)} of the range into their place
     * in {@code dst} (from {@code bytesFor(from)} to {@code bytesFor(to)}), exactly what
     * {@link #encode(DirectBuffer, int, MutableDirectBuffer)} writes there.
     *
     * @throws UnsupportedOperationException otherwise (this default).
     */
    default void encode(
        final DirectBuffer gradient, final int byteOffset, final MutableDirectBuffer dst, final int from, final int to)
    {
        throw new UnsupportedOperationException(compression().label() + " encodes a range only whole");
    }

    /** Forgets any state carried between steps (a stateless encoder does nothing). */
    void reset();
}
