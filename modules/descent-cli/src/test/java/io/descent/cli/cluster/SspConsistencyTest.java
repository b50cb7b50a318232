package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent train --workers 2 --cluster consistency=ssp --cluster staleness=2} and {@code consistency=async} with
 * rank 1 slowed on purpose (the test-only DESCENT_TEST_STEP_DELAY): every gradient of every planned step is applied,
 * the fast worker runs ahead of the slow one (gradients of staleness above 0 in the report's histogram), under ssp
 * never more than s steps (no gradient staler than 2), under async further.
 */
@Tag("slow")
class SspConsistencyTest
{
    private static final String JOB = "job { name = ssp, seed = 11 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 1200, " +
        "test-samples = 300, features = 12, classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 16, activation = tanh }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 20, epochs = 2, learning-rate = 0.05 }\n";
    private static final int STALENESS = 2;

    @TempDir
    Path dir;

    @Test
    void shouldNeverApplyAGradientStalerThanTheBoundWhileTheFastWorkerRunsAhead() throws Exception
    {
        final JsonNode consistency = train("ssp", "staleness=" + STALENESS);
        assertEquals(STALENESS, consistency.get("staleness").asInt());
        final JsonNode steps = consistency.get("staleness_steps");
        assertTrue(consistency.get("max_staleness_steps").asInt() <= STALENESS, "no gradient staler than s: " +
            consistency);
        assertTrue(steps.size() == STALENESS + 1 && steps.get(STALENESS).asLong() > 0, "the fast worker reached the " +
            "bound: " + consistency);
        assertTrue(consistency.get("max_version_lag").asInt() > 0, consistency.toString());
    }

    @Test
    void shouldRunAsyncToTheEndWithTheFastWorkerFurtherAhead() throws Exception
    {
        final JsonNode consistency = train("async", "staleness=0");
        assertTrue(consistency.get("max_staleness_steps").asInt() > STALENESS, "no bound: " + consistency);
    }

    /** @return the report's {@code consistency} after checking that the job applied every gradient it planned. */
    private JsonNode train(final String model, final String staleness) throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path report = dir.resolve(model + ".json");
        try (NodeProcess launcher = new NodeProcess(dir, "launcher", List.of("-Ddescent.local.control-plane=plain"),
            List.of("train", "--config", job.toString(), "--workers", "2", "--threads", "1", "--no-progress",
                "--report", report.toString(), "--cluster", "consistency=" + model, "--cluster", staleness),
            Map.of("DESCENT_TEST_STEP_DELAY", "1:60")))
        {
            assertEquals(0, launcher.awaitExit(Duration.ofSeconds(300)), launcher.stderr());
            final JsonNode json = JsonReports.mapper().readTree(report.toFile());
            long planned = 0;
            for (final JsonNode epoch : json.get("epochs"))
            {
                planned += epoch.get("steps").asLong();
            }
            assertEquals(planned, json.get("final").get("steps").asLong(), "every planned step");
            final JsonNode consistency = json.get("consistency");
            assertEquals(model, consistency.get("model").asText());
            long applied = 0;
            for (final JsonNode count : consistency.get("staleness_steps"))
            {
                applied += count.asLong();
            }
            assertEquals(2 * planned, applied, "every gradient of both workers applied: " + consistency);
            assertTrue(launcher.stdout().contains("2/2 workers"), "no worker was lost: " + launcher.stdout());
            assertTrue(json.get("final").get("test_accuracy").asDouble() > 0.5, "it learned: " + json.get("final"));
            System.out.printf("%s, rank 1 slowed 60 ms a step: %d steps, staleness by steps %s, version lag %s, " +
                "test accuracy %.4f%n", model, planned, consistency.get("staleness_steps"),
                consistency.get("version_lag"), json.get("final").get("test_accuracy").asDouble());
            return consistency;
        }
    }
}
