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
}
