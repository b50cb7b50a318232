package io.descent.bench.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the validation gives the model for each gradient compression of a run. */
class ValidationTest
{
    private static final long M = 23_300_000L;

    @Test
    void shouldGiveTheModelTheCompressionRatioOfEachCodec()
    {
        assertEquals(1.0, Validation.ratio("none", M, M * 1.002), "uncompressed, whatever the headers add");
        assertEquals(2.0, Validation.ratio("fp16", M, 0.0));
        assertEquals(2.0, Validation.ratio("bf16", M, M / 2.0));
        assertEquals(40.0, Validation.ratio("threshold", M, M / 40.0), 1e-9, "what the run's workers sent");
        assertEquals(1.0, Validation.ratio("threshold", M, M * 1.5), "never below 1");
        assertEquals(1.0, Validation.ratio("threshold", M, 0.0), "a report without bytes: uncompressed");
    }
}
