package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the threshold codec's tests check of a message: a decoder accepts it and writes nothing outside the sum, or
 * refuses it (as given, or damaged) and writes nothing outside the sum; and a gradient's round trip. One decoder, one
 * test thread.
 */
final class ThresholdChecks
{
    private final ThresholdDecoder decoder = new ThresholdDecoder();

    /** Asserts that {@code message} decodes into a guarded sum of {@code n} floats, nothing written outside it. */
    void assertAccepted(final UnsafeBuffer message, final int length, final int n)
    {
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertTrue(decoder.accumulate(message, length, sum.sum, n, 1.0f, false));
        assertTrue(sum.guardsIntact());
    }

    /** Asserts that {@code valid} as it is is refused, nothing written outside the sum. */
    void assertRejected(final UnsafeBuffer valid, final int length, final int n, final String why)
    {
        assertRejected(valid, length, n, why, m -> { });
    }

    /** Asserts that a copy of {@code valid} with {@code damage} done to it is refused, nothing written outside. */
    void assertRejected(
        final UnsafeBuffer valid, final int length, final int n, final String why, final Consumer<UnsafeBuffer> damage)
    {
        final UnsafeBuffer message = Codecs.buffer(valid.capacity() + 8);
        message.putBytes(0, valid, 0, valid.capacity());
        damage.accept(message);
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(n);
        assertFalse(decoder.accumulate(message, length, sum.sum, n, 1.0f, false), why);
        assertTrue(sum.guardsIntact(), why + ": nothing written outside the sum");
    }

    /** @return what {@code encoder} sends of {@code gradient}, decoded (nothing written outside the sum). */
    float[] roundTrip(final ThresholdEncoder encoder, final float[] gradient)
    {
        final UnsafeBuffer message = Codecs.buffer(encoder.maxEncodedBytes());
        final int length = encoder.encode(Codecs.floats(gradient), 0, message);
        final Codecs.GuardedSum sum = new Codecs.GuardedSum(gradient.length);
        assertTrue(decoder.accumulate(message, length, sum.sum, gradient.length, 1.0f, true));
        assertTrue(sum.guardsIntact());
        return sum.values();
    }
}
