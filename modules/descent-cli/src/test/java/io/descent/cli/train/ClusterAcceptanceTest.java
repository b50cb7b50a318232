package io.descent.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cli.cluster.NodeProcess;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster issue's acceptance: {@code descent train fashion-mnist --workers 2} on the real dataset, as a parameter
 * server and two workers in separate JVMs, reaches at least 88.5 % test accuracy; and it runs with every process in
 * a 640 MB heap ({@code DESCENT_HEAP=640m}); with fp16 gradients ({@code --cluster compression=fp16}) it still
 * reaches 88.5 %, and with threshold-compressed gradients at 1 % density 88.0 %.
 */
@Tag("slow")
class ClusterAcceptanceTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReachThePublishedMlpAccuracyWithTwoWorkerProcesses() throws IOException
    {
        final Path report = dir.resolve("cluster.json");
        assertEquals(0, DescentCli.run("train", "fashion-mnist", "--workers", "2", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("local", json.get("mode").asText());
        assertEquals(2, json.get("workers").asInt());
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        assertTrue(accuracy >= 0.885, "test accuracy " + accuracy + " < 0.885");
        final Set<Long> pids = new HashSet<>();
        pids.add(json.get("server_stats").get("pid").asLong());
        for (final JsonNode worker : json.get("worker_stats"))
        {
            pids.add(worker.get("pid").asLong());
        }
        assertEquals(3, pids.size(), "server and two workers are distinct processes: " + pids);
        assertTrue(!pids.contains(ProcessHandle.current().pid()), "none of them is the test's own JVM");
    }

    /** Issue 19's acceptance: fp16 gradients on the wire keep the MLP's accuracy. */
    @Test
    void shouldReachThePublishedMlpAccuracyWithFp16Gradients() throws IOException
    {
        final Path report = dir.resolve("fp16.json");
        final long start = System.nanoTime();
        assertEquals(0, DescentCli.run("train", "fashion-mnist", "--workers", "2", "--cluster", "compression=fp16",
            "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        final JsonNode compression = json.get("compression");
        System.out.printf("fashion-mnist --workers 2, fp16 gradients: test accuracy %.4f, %d -> %d gradient bytes a " +
            "step, %.0f s%n", accuracy, compression.get("bytes_per_step_before").asLong(),
            compression.get("bytes_per_step_after").asLong(), (System.nanoTime() - start) / 1e9);
        assertEquals("fp16", compression.get("codec").asText());
        assertEquals(0.5, compression.get("ratio").asDouble(), 0.0);
        assertTrue(accuracy >= 0.885, "test accuracy " + accuracy + " < 0.885");
    }

    /** Issue 19's acceptance: threshold-compressed gradients at 1 % density, with error feedback, reach 88.0 %. */
    @Test
    void shouldReachEightyEightPercentWithThresholdGradientsAtOnePercent() throws IOException
    {
        final Path report = dir.resolve("threshold.json");
        final long start = System.nanoTime();
        assertEquals(0, DescentCli.run("train", "fashion-mnist", "--workers", "2", "--cluster",
            "compression=threshold", "--cluster", "threshold.density=0.01", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        final JsonNode compression = json.get("compression");
        System.out.printf("fashion-mnist --workers 2, threshold gradients: test accuracy %.4f, %d -> %d gradient " +
            "bytes a step, density %.4f, %.0f s%n", accuracy, compression.get("bytes_per_step_before").asLong(),
            compression.get("bytes_per_step_after").asLong(), compression.get("density").asDouble(),
            (System.nanoTime() - start) / 1e9);
        assertEquals("threshold", compression.get("codec").asText());
        assertTrue(compression.get("density").asDouble() <= 0.01 * 1.5,
            "achieved density " + compression.get("density").asDouble() + " near the 1 % target");
        assertTrue(accuracy >= 0.880, "test accuracy " + accuracy + " < 0.880");
    }

    @Test
    void shouldTrainAnEpochWithEveryProcessInA640MegabyteHeap() throws Exception
    {
        final Path report = dir.resolve("small-heap.json");
        // The launcher's -Xmx is what DESCENT_HEAP sets; its children inherit its JVM flags.
        try (NodeProcess launcher = NodeProcess.asUser(dir, "launcher", List.of("-Xmx640m"), List.of("train",
            "fashion-mnist", "--workers", "2", "--threads", "1", "--set", "train.epochs=1", "--report",
            report.toString())))
        {
            assertEquals(0, launcher.awaitExit(Duration.ofMinutes(4)), launcher.stderr());
            assertFalse(launcher.stderr().contains("out of memory"), launcher.stderr());
        }
        for (final String node : List.of("ps", "worker-0", "worker-1"))
        {
            final String log = Files.readString(dir.resolve("launcher-" + node + ".log"));
            assertTrue(log.contains("heap limit 640 MiB"), node + " ran in a 640 MiB heap:\n" + log);
        }
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(1, json.get("epochs").size());
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        assertTrue(accuracy > 0.75, "one epoch learns: test accuracy " + accuracy);
    }
}
