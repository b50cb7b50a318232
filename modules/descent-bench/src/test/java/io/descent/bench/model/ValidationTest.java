package io.descent.bench.model;

import io.descent.bench.scale.SharedCompute;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void shouldJudgeARowByTheRunsComputeTimesTheSpreadAndShowTheOtherInputsBesideIt()
    {
        // 2 workers × 256 in a 0.256 s step predicted (the run's mean 0.105 s × the spread 1.247619 = 0.131 s a step
        // + 0.125 s of the rest): 2,000 samples/s; from the run's mean alone 512 / 0.230 = 2,226.1 samples/s; from
        // the host-shared E[max] (0.150 s, measured apart) 512 / 0.275 = 1,861.8; measured 1,600.
        final StepBreakdown step = new StepBreakdown(0.131, 0.05, 0.03, 0.045, 0.0, false, 0.0, 1.0);
        final SharedCompute shared = new SharedCompute(3, 2, 0.120, 0.120 * 0.131 / 0.105);
        final Validation.Row row = new Validation.Row("local, 2 workers, 1 server", step.samplesPerSec(2, 256),
            1_600.0, step, 0.105, 512 / 0.230, 512 / (shared.maxSeconds() + 0.125), shared);
        assertEquals(2_000.0, row.predicted(), 1e-9);
        assertEquals(1.25, row.ratio(), 1e-12);
        assertEquals(512 / 0.230 / 1_600, row.runMeanRatio(), 1e-12, "1.391: the run's mean alone, further off");
        assertEquals(512 / (0.120 * 0.131 / 0.105 + 0.125) / 1_600, row.sharedMaxRatio(), 1e-12);
        assertEquals(0.25, Validation.maxError(List.of(row)), 1e-12, "judged by the run's mean × the spread");
        assertEquals(0.105, (double)row.toJson().get("run_compute_mean_s"));
        assertTrue(((String)row.toJson().get("compute_input")).startsWith("the run's own mean compute × the " +
            "host-shared spread"));
    }
}
