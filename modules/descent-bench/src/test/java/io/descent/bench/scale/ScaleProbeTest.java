package io.descent.bench.scale;

import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a validation run's report says a worker sent per step. */
class ScaleProbeTest
{
    @Test
    void shouldAverageTheWorkersBytesOverTheServersSteps() throws Exception
    {
        assertEquals(150.0, ScaleProbe.bytesSentPerStep(JsonReports.mapper().readTree("{\"server_stats\":" +
            "{\"steps\":10},\"worker_stats\":[{\"bytes_sent\":1000},{\"bytes_sent\":2000}]}")), 1e-12);
        assertEquals(100.0, ScaleProbe.bytesSentPerStep(JsonReports.mapper().readTree("{\"server_stats\":" +
            "[{\"shard\":0,\"steps\":10},{\"shard\":1,\"steps\":10}],\"worker_stats\":[{\"bytes_sent\":1000}]}")),
            1e-12, "shards: the coordinator's steps");
        assertEquals(0.0, ScaleProbe.bytesSentPerStep(JsonReports.mapper().readTree("{\"epochs\":[]}")));
    }

    @Test
    void shouldCountTheEpochsPartialBatchAsARoundOfItsOwn() throws Exception
    {
        // bench scale's 10-step epoch of 1 worker at batch 256: 2,562 examples, 10 full batches and one of 2 rows.
        final String epoch = "{\"samples_per_sec\":1000.0,\"seconds\":2.562,\"steps\":11}";
        assertEquals(11 / (2562 / 256.0), ScaleProbe.roundsPerStep(JsonReports.mapper().readTree("{\"epochs\":[" +
            "{\"samples_per_sec\":1.0,\"seconds\":1.0,\"steps\":1}," + epoch + "]}"), 1, 256), 1e-12,
            "the last (measured) epoch");
        assertEquals(11 / (2562 / 512.0), ScaleProbe.roundsPerStep(JsonReports.mapper().readTree("{\"epochs\":[" +
            epoch + "]}"), 2, 256), 1e-12, "N workers take N batches a round");
        assertEquals(1.0, ScaleProbe.roundsPerStep(JsonReports.mapper().readTree("{\"epochs\":[" +
            "{\"samples_per_sec\":1000.0,\"seconds\":2.56,\"steps\":10}]}"), 1, 256), 1e-12, "whole batches");
        assertEquals(1.0, ScaleProbe.roundsPerStep(JsonReports.mapper().readTree("{\"epochs\":[]}"), 1, 256),
            "a report without epochs: one round a step");
    }

    @Test
    void shouldTakeARoundsOverheadAsTheEpochsTimeLessItsComputePerRound()
    {
        // 11 rounds of 20 ms compute and 5 ms else over 10 full batches: 27.5 ms a full batch.
        final ScaleProbe.Measured run = new ScaleProbe.Measured(256 / 0.0275, 0.0275, 0.020, 0.0, 1.1, 0.0);
        assertEquals(0.005, run.overheadPerRound(), 1e-12);
    }

    @Test
    void shouldTakeTheBusiestShardsServerWorkPerStep() throws Exception
    {
        // The coordinator: 0.9 s over 100 steps; the other shard 1.2 s over the same 100: 12 ms a step.
        assertEquals(0.012, ScaleProbe.serverSecondsPerStep(JsonReports.mapper().readTree("{\"server_stats\":[" +
            "{\"steps\":100,\"update_s\":0.9},{\"steps\":100,\"update_s\":1.2}]}")), 1e-15);
        assertEquals(0.009, ScaleProbe.serverSecondsPerStep(JsonReports.mapper().readTree("{\"server_stats\":" +
            "{\"steps\":100,\"update_s\":0.9}}")), 1e-15, "one server, as an object");
        assertEquals(0.0, ScaleProbe.serverSecondsPerStep(JsonReports.mapper().readTree("{\"server_stats\":[" +
            "{\"steps\":0,\"update_s\":0.0}]}")), "no steps: unknown");
        assertEquals(0.0, ScaleProbe.serverSecondsPerStep(JsonReports.mapper().readTree("{\"epochs\":[]}")));
    }
}
