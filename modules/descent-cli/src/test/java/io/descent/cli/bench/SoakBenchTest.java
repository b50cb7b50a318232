package io.descent.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent bench soak} on a tiny job for half a minute: a real parameter server and worker (separate JVMs)
 * sampled from their {@code /metrics}; the report names both, holds their samples, and its growth, allocation and
 * forced-collection figures are those of the samples it holds.
 */
@Tag("slow")
class SoakBenchTest
{
    private static final String JOB = "job { name = soak, seed = 3 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 3000, " +
        "test-samples = 500, features = 20, classes = 4, hidden = 16 } }\n" +
        "model { layers = [ { type = dense, units = 64, activation = relu }, { type = dropout, rate = 0.2 }, " +
        "{ type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 32, learning-rate = 0.05, momentum = 0.9 }\n";
    private static final double WARMUP_SECONDS = 9.0;

    @TempDir
    Path dir;

    @Test
    void shouldReportEveryNodesMemoryFromItsSamples() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path report = dir.resolve("soak.json");
        assertEquals(0, DescentCli.run("bench", "soak", "--config", job.toString(), "--minutes", "0.5",
            "--workers", "1", "--threads", "1", "--interval", "1", "--warmup-minutes", "0.15",
            "--report", report.toString()));

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(1, json.get("workers").asInt());
        final List<String> names = new ArrayList<>();
        final Set<Long> pids = new HashSet<>(List.of(ProcessHandle.current().pid()));
        for (final JsonNode node : json.get("nodes"))
        {
            names.add(node.get("node").asText());
            assertTrue(pids.add(node.get("pid").asLong()), "a process of its own: " + node.get("pid"));
            checkNode(node);
        }
        assertEquals(List.of("ps", "worker-0"), names);
        final boolean met = json.get("met").asBoolean();
        for (final JsonNode node : json.get("nodes"))
        {
            final boolean nodeMet = node.get("rss_bytes").get("growth_pct_per_hour").asDouble() < 2.0 &&
                node.get("forced_gcs").asLong() == 0;
            assertTrue(nodeMet || !met, "met only when every node is");
        }
    }

    /** The node trained, and its summary figures are those of its samples after the warm-up. */
    private static void checkNode(final JsonNode node)
    {
        final List<JsonNode> window = new ArrayList<>();
        double previous = -1.0;
        for (final JsonNode sample : node.get("samples"))
        {
            final double t = sample.get("t_s").asDouble();
            assertTrue(t > previous, "samples in time order");
            assertTrue(sample.get("rss_bytes").asDouble() > 0 && sample.get("rss_anon_bytes").asDouble() > 0);
            previous = t;
            if (t >= WARMUP_SECONDS)
            {
                window.add(sample);
            }
        }
        assertTrue(window.size() >= 10, node.get("node") + ": " + window.size() + " samples after the warm-up");
        assertEquals(window.size(), node.get("samples_after_warmup").asInt());
        final JsonNode first = window.get(0);
        final JsonNode last = window.get(window.size() - 1);
        final double steps = last.get("steps").asDouble() - first.get("steps").asDouble();
        assertTrue(steps > 0, node.get("node") + " took no step after the warm-up");

        final JsonNode rss = node.get("rss_bytes");
        assertEquals(first.get("rss_bytes").asDouble(), rss.get("first").asDouble());
        assertEquals(last.get("rss_bytes").asDouble(), rss.get("last").asDouble());
        final double mean = window.stream().mapToDouble(s -> s.get("rss_bytes").asDouble()).average().orElseThrow();
        final double slope = slope(window, "rss_bytes");
        assertEquals(mean, rss.get("mean").asDouble(), 1e-6 * mean);
        assertEquals(100.0 * slope * 3600.0 / mean, rss.get("growth_pct_per_hour").asDouble(),
            1e-9 * Math.max(1.0, Math.abs(100.0 * slope * 3600.0 / mean)));
        assertEquals(slope / slope(window, "steps"), rss.get("growth_per_step").asDouble(),
            1e-9 * Math.max(1.0, Math.abs(slope / slope(window, "steps"))));
        assertEquals((last.get("nd4j_allocations").asDouble() - first.get("nd4j_allocations").asDouble()) / steps,
            node.get("nd4j_allocations_per_step").asDouble(), 1e-12);
        assertEquals(last.get("forced_gcs").asLong(), node.get("forced_gcs").asLong());
        assertEquals(last.get("forced_gcs").asLong() - first.get("forced_gcs").asLong(),
            node.get("forced_gcs_after_warmup").asLong());
    }

    private static double slope(final List<JsonNode> samples, final String field)
    {
        final double meanT = samples.stream().mapToDouble(s -> s.get("t_s").asDouble()).average().orElseThrow();
        final double meanV = samples.stream().mapToDouble(s -> s.get(field).asDouble()).average().orElseThrow();
        double covariance = 0.0;
        double variance = 0.0;
        for (final JsonNode sample : samples)
        {
            final double dt = sample.get("t_s").asDouble() - meanT;
            covariance += dt * (sample.get(field).asDouble() - meanV);
            variance += dt * dt;
        }
        return covariance / variance;
    }
}
