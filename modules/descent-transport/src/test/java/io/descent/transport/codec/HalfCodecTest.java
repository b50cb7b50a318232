package io.descent.transport.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

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
}
