package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HalfCodecTest
{
    private static final float[] VALUES = { 1.0f, -0.5f, 3.14159f, 1e-3f, -65504f, 0.0f, 6.1e-5f, 1e-7f };

    private static UnsafeBuffer floats(final float... values)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8 + values.length * Float.BYTES));
        for (int i = 0; i < values.length; i++)
        {
            buffer.putFloat(8 + i * Float.BYTES, values[i], LITTLE_ENDIAN);
        }
        return buffer;
    }

    private static UnsafeBuffer encode(final Compression compression, final float... values)
    {
        final HalfEncoder encoder = new HalfEncoder(compression, values.length);
        final UnsafeBuffer encoded = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
        assertEquals(values.length * 2, encoder.encode(floats(values), 8, encoded), "bytes written");
        return encoded;
    }

    @Test
    void shouldEncodeEachValueAsItsHalfBitsInOrder()
    {
        for (final Compression compression : new Compression[]{ Compression.FP16, Compression.BF16 })
        {
            final UnsafeBuffer encoded = encode(compression, VALUES);
            for (int i = 0; i < VALUES.length; i++)
            {
                final short expected = compression == Compression.FP16 ? HalfFloats.toFp16(VALUES[i]) :
                    HalfFloats.toBf16(VALUES[i]);
                assertEquals(expected, encoded.getShort(i * 2, LITTLE_ENDIAN), compression + " value " + i);
            }
        }
    }

    @Test
    void shouldOverwriteThenAddWeightedDecodedValuesIntoTheSum()
    {
        final UnsafeBuffer first = encode(Compression.FP16, VALUES);
        final float[] others = { 2f, 2f, 2f, 2f, 2f, 2f, 2f, 2f };
        final UnsafeBuffer second = encode(Compression.FP16, others);
        final UnsafeBuffer sum = floats(new float[VALUES.length]);
        final UnsafeBuffer at = new UnsafeBuffer(sum, 8, VALUES.length * Float.BYTES);
        at.putFloat(0, 1e30f, LITTLE_ENDIAN);
        final HalfDecoder decoder = new HalfDecoder(Compression.FP16);

        assertTrue(decoder.accumulate(first, VALUES.length * 2, at, VALUES.length, 0.25f, true));
        assertTrue(decoder.accumulate(second, VALUES.length * 2, at, VALUES.length, 0.75f, false));

        for (int i = 0; i < VALUES.length; i++)
        {
            final float decoded = HalfFloats.fromFp16(HalfFloats.toFp16(VALUES[i]));
            assertEquals(0.25f * decoded + 0.75f * 2f, at.getFloat(i * Float.BYTES, LITTLE_ENDIAN), 0.0f, "value " + i);
        }
    }

    @Test
    void shouldKeepANonFiniteGradientNonFinite()
    {
        for (final Compression compression : new Compression[]{ Compression.FP16, Compression.BF16 })
        {
            final float[] bad = { Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY };
            final UnsafeBuffer sum = new UnsafeBuffer(ByteBuffer.allocateDirect(bad.length * Float.BYTES));
            assertTrue(new HalfDecoder(compression).accumulate(encode(compression, bad), bad.length * 2, sum,
                bad.length, 0.5f, true));
            assertTrue(Float.isNaN(sum.getFloat(0, LITTLE_ENDIAN)), compression + ": NaN");
            assertEquals(Float.POSITIVE_INFINITY, sum.getFloat(4, LITTLE_ENDIAN), compression + ": +inf");
            assertEquals(Float.NEGATIVE_INFINITY, sum.getFloat(8, LITTLE_ENDIAN), compression + ": -inf");
        }
    }

    @Test
    void shouldRefuseAnEncodingOfAnotherLength()
    {
        final UnsafeBuffer sum = new UnsafeBuffer(ByteBuffer.allocateDirect(VALUES.length * Float.BYTES));
        assertFalse(new HalfDecoder(Compression.BF16).accumulate(encode(Compression.BF16, VALUES),
            VALUES.length * 2 - 2, sum, VALUES.length, 1f, true));
    }

    @Test
    void shouldRefuseOtherCompressions()
    {
        assertThrows(IllegalArgumentException.class, () -> new HalfEncoder(Compression.NONE, 4));
        assertThrows(IllegalArgumentException.class, () -> new HalfDecoder(Compression.THRESHOLD));
    }

    @Test
    void shouldEncodeInPiecesWhatItEncodesWhole()
    {
        final int count = 10_007;
        final UnsafeBuffer gradient = randomFloats(count, 3, 12);
        for (final Compression compression : new Compression[]{ Compression.FP16, Compression.BF16 })
        {
            final HalfEncoder encoder = new HalfEncoder(compression, count);
            final UnsafeBuffer whole = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
            encoder.encode(gradient, 12, whole);
            final UnsafeBuffer pieces = new UnsafeBuffer(new byte[encoder.maxEncodedBytes()]);
            for (int from = 0; from < count; from += 999)
            {
                encoder.encode(gradient, 12, pieces, from, Math.min(count, from + 999));
            }
            for (int i = 0; i < count; i++)
            {
                final float value = gradient.getFloat(12 + i * Float.BYTES, LITTLE_ENDIAN);
                final short expected = compression == Compression.FP16 ? HalfFloats.toFp16(value) :
                    HalfFloats.toBf16(value);
                assertEquals(expected, whole.getShort(i * 2, LITTLE_ENDIAN), compression + " value " + i);
            }
            assertEquals(0, whole.compareTo(pieces), compression + ": pieces equal the whole, bit for bit");
            assertThrows(IndexOutOfBoundsException.class, () -> encoder.encode(gradient, 12, pieces, 5, count + 1));
            assertThrows(IndexOutOfBoundsException.class,
                () -> encoder.encode(gradient, 16, whole, 0, count), "reads past the gradient's end");
        }
    }

    @Test
    void shouldDecodeEveryValueWithFloat32ArithmeticInOrder()
    {
        final int count = 10_007;
        for (final Compression compression : new Compression[]{ Compression.FP16, Compression.BF16 })
        {
            final HalfEncoder encoder = new HalfEncoder(compression, count);
            final UnsafeBuffer first = new UnsafeBuffer(new byte[encoder.maxEncodedBytes()]);
            final UnsafeBuffer second = new UnsafeBuffer(ByteBuffer.allocateDirect(encoder.maxEncodedBytes()));
            encoder.encode(randomFloats(count, 5, 0), 0, first);
            encoder.encode(randomFloats(count, 7, 0), 0, second);
            final UnsafeBuffer sum = new UnsafeBuffer(ByteBuffer.allocateDirect(count * Float.BYTES));
            final HalfDecoder decoder = new HalfDecoder(compression);
            assertTrue(decoder.accumulate(first, count * 2, sum, count, 0.3f, true));
            assertTrue(decoder.accumulate(second, count * 2, sum, count, 0.7f, false));
            for (int i = 0; i < count; i++)
            {
                final float a = widen(compression, first.getShort(i * 2, LITTLE_ENDIAN));
                final float b = widen(compression, second.getShort(i * 2, LITTLE_ENDIAN));
                final float expected = 0.3f * a + 0.7f * b;
                assertEquals(Float.floatToRawIntBits(expected),
                    Float.floatToRawIntBits(sum.getFloat(i * Float.BYTES, LITTLE_ENDIAN)), compression + " value " + i);
            }
        }
    }

    private static float widen(final Compression compression, final short bits)
    {
        return compression == Compression.FP16 ? HalfFloats.fromFp16(bits) : HalfFloats.fromBf16(bits);
    }

    /** Values spread over fp16's range and beyond (subnormals, normals, overflow, signed zeros), at a byte offset. */
    private static UnsafeBuffer randomFloats(final int count, final long seed, final int offset)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(offset + count * Float.BYTES));
        for (int i = 0; i < count; i++)
        {
            final float value = (float)Math.scalb(random.nextDouble() * (random.nextBoolean() ? 1 : -1),
                random.nextInt(-30, 18));
            buffer.putFloat(offset + i * Float.BYTES, i % 97 == 0 ? -0.0f : value, LITTLE_ENDIAN);
        }
        return buffer;
    }
}
