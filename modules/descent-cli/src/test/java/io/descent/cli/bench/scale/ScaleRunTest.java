package io.descent.cli.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Repeats of one worker count: the median run stands for them, with the range of all. */
class ScaleRunTest
{
    @Test
    void shouldReportTheMedianRunAndTheRange()
    {
        final ScaleRun median = ScaleRun.median(List.of(run(2, 41_000, 0.0125), run(2, 37_000, 0.0138),
            run(2, 39_000, 0.0131)));
        assertEquals(39_000, median.samplesPerSec(), 1e-9);
        assertEquals(0.0131, median.stepSeconds(), 1e-12, "the median run's own step time");
        assertEquals(3, median.repeats());
        assertEquals(37_000, median.minSamplesPerSec(), 1e-9);
        assertEquals(41_000, median.maxSamplesPerSec(), 1e-9);
    }

    @Test
    void shouldTakeTheSlowerOfTheMiddleTwoForAnEvenCount()
    {
        final ScaleRun median = ScaleRun.median(List.of(run(1, 34_000, 0), run(1, 31_000, 0), run(1, 33_000, 0),
            run(1, 35_000, 0)));
        assertEquals(33_000, median.samplesPerSec(), 1e-9);
        assertEquals(1.0, run(2, 66_000, 0).efficiency(median), 1e-12, "efficiency is taken against the median");
    }

    private static ScaleRun run(final int workers, final double samplesPerSec, final double stepSeconds)
    {
        return new ScaleRun("local", workers, samplesPerSec, stepSeconds, 0.0, 0.0, 1, samplesPerSec, samplesPerSec);
    }
}
