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
 * {@code descent train --workers 2 --cluster consistency=backup --cluster backup-workers=1} with one worker slowed on
 * purpose (the test-only DESCENT_TEST_STEP_DELAY): steps close without it, its late gradients are dropped and counted
 * in the report, and the job still completes every planned step with both workers.
 */
@Tag("slow")
class BackupConsistencyTest
{
    private static final String JOB = "job { name = backup, seed = 11 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 1200, " +
        "test-samples = 300, features = 12, classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 16, activation = tanh }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 20, epochs = 2, learning-rate = 0.05 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldCloseStepsWithoutASlowedWorkerAndCountItsDroppedGradients() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path report = dir.resolve("report.json");
        // Plain TCP for the control plane: no throw-away CA to make (what is tested here is the step loop).
        try (NodeProcess launcher = new NodeProcess(dir, "launcher", List.of("-Ddescent.local.control-plane=plain"),
            List.of("train", "--config", job.toString(), "--workers", "2", "--threads", "1", "--no-progress",
                "--report", report.toString(), "--cluster", "consistency=backup", "--cluster", "backup-workers=1"),
            Map.of("DESCENT_TEST_STEP_DELAY", "1:40")))
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
            assertEquals("backup", consistency.get("model").asText());
            assertEquals(1, consistency.get("backup_workers").asInt());
            assertTrue(consistency.get("closed_early_steps").asLong() > 0, "steps closed without the slow worker: " +
                consistency);
            assertTrue(consistency.get("late_gradients").asLong() > 0, "its late gradients were dropped: " +
                consistency);
            assertEquals(consistency.get("late_gradients").asLong(),
                json.get("server_stats").get("late_gradients").asLong());
            assertTrue(launcher.stdout().contains("2/2 workers"), "no worker was lost: " + launcher.stdout());
            System.out.printf("backup, rank 1 slowed 40 ms a step: %d of %d steps closed early, %d late gradients%n",
                consistency.get("closed_early_steps").asLong(), planned, consistency.get("late_gradients").asLong());
        }
    }
}
