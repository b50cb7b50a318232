package io.descent.bench.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CodecProbe}: the cluster's own codecs, timed; nothing for none. */
class CodecProbeTest
{
    @Test
    void shouldCostNothingWithoutCompression()
    {
        assertSame(CodecCost.NONE, CodecProbe.measure("none", 4096));
    }

    @Test
    void shouldTimeEveryCodecsEncodeAndDecode()
    {
        for (final String codec : new String[]{ "fp16", "bf16", "threshold" })
        {
            final CodecCost cost = CodecProbe.measure(codec, 1 << 16);
            assertTrue(cost.encodes() && cost.encodeSecondsPerByte() > 0 && cost.decodeSecondsPerByte() > 0, codec);
        }
    }

    @Test
    void shouldRefuseNegativeCosts()
    {
        assertThrows(IllegalArgumentException.class, () -> new CodecCost(-1e-9, 0.0));
    }
}
