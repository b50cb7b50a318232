package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Repeats of one worker count: the median run stands for them, with the range of all; the compute-only ceiling. */
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

    @Test
    void shouldTakeTheCeilingAgainstTheBaselineAndItsMedianLikeTheRuns()
    {
        assertEquals(38_000, ComputeCeiling.median(List.of(40_000.0, 36_000.0, 38_000.0)), 1e-9);
        assertEquals(36_000, ComputeCeiling.median(List.of(40_000.0, 36_000.0, 38_000.0, 30_000.0)), 1e-9);
        final ScaleRun one = run(1, 30_000, 0).withComputeOnly(new ComputeCeiling.Throughput(38_000, 37_000));
        final ScaleRun two = run(2, 51_000, 0).withComputeOnly(new ComputeCeiling.Throughput(64_600, 59_200));
        assertEquals(0.85, two.ceiling(one), 1e-12, "64.6 k / (2 × 38 k)");
        assertEquals(0.8, two.lockstepCeiling(one), 1e-12, "59.2 k / (2 × 37 k)");
        assertEquals(51_000.0 / 60_000, two.efficiency(one), 1e-12);
        assertEquals(1.0, one.ceiling(one), 1e-12);
        assertEquals(1.0, one.lockstepCeiling(one), 1e-12);
        assertTrue(two.hasCeiling());
        assertFalse(run(2, 51_000, 0).hasCeiling());
        assertTrue(Double.isNaN(run(2, 51_000, 0).ceiling(one)));
        assertFalse(run(2, 51_000, 0).toJson(one).containsKey("ceiling"), "no ceiling field when not measured");
        assertEquals(51_000.0 / 60_000 / 0.8, (double)two.toJson(one).get("efficiency_of_ceiling"), 1e-12,
            "against the lockstep ceiling: the trainer is synchronous");
    }

    @Test
    void shouldTakeTheCeilingWithTheServersWorkAgainstTheBaselineBesideItsOwnServerProcess()
    {
        // One worker beside the server's process makes 33 k free, 32 k in lockstep; two beside it 56.1 k and 51.2 k.
        final ScaleRun one = run(1, 30_000, 0).withComputeOnly(new ComputeCeiling.Throughput(38_000, 37_000))
            .withServerWork(new ComputeCeiling.Throughput(33_000, 32_000));
        final ScaleRun two = run(2, 51_000, 0).withComputeOnly(new ComputeCeiling.Throughput(64_600, 59_200))
            .withServerWork(new ComputeCeiling.Throughput(56_100, 51_200, 0.0021));
        assertEquals(0.85, two.ceilingWithServer(one), 1e-12, "56.1 k / (2 × 33 k)");
        assertEquals(0.8, two.lockstepCeilingWithServer(one), 1e-12, "51.2 k / (2 × 32 k)");
        assertEquals(0.85, two.ceiling(one), 1e-12, "the compute-only ceiling is kept beside it");
        assertEquals(1.0, one.lockstepCeilingWithServer(one), 1e-12);
        assertTrue(Double.isNaN(run(2, 51_000, 0).lockstepCeilingWithServer(one)), "not measured");
        assertTrue(Double.isNaN(two.ceilingWithServer(run(1, 30_000, 0))), "the baseline's not measured");
        final Map<String, Object> json = two.toJson(one);
        assertEquals(51_200.0, (double)json.get("with_server_lockstep_samples_per_sec"), 1e-9);
        assertEquals(0.8, (double)json.get("lockstep_ceiling_with_server"), 1e-12);
        assertEquals(0.0021, (double)json.get("with_server_server_step_s"), 1e-12, "the server's step work");
        assertEquals(51_000.0 / 60_000 / 0.8, (double)json.get("efficiency_of_ceiling_with_server"), 1e-12);
        assertFalse(run(2, 51_000, 0).withComputeOnly(new ComputeCeiling.Throughput(64_600, 59_200)).toJson(one)
            .containsKey("ceiling_with_server"), "no field when not measured");
        assertEquals(two.withServer(), ScaleRun.median(List.of(two, two)).withServer(), "the median keeps it");
    }

    private static ScaleRun run(final int workers, final double samplesPerSec, final double stepSeconds)
    {
        return new ScaleRun("local", workers, samplesPerSec, stepSeconds, 0.0, 0.0, 1, samplesPerSec, samplesPerSec,
            null, null, "0-1", ScaleSettings.DEFAULTS);
    }
}
