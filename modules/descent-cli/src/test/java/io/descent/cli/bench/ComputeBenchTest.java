package io.descent.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent bench compute} on a job's CNN: the report's efficiency is its step GFLOP/s over its sgemm peak, and
 * the per-layer breakdown names every layer, with GFLOP/s for the layers that multiply and none for the others.
 */
@Tag("slow")
class ComputeBenchTest
{
    private static final String JOB = "job { name = cnn-bench, seed = 3 }\n" +
        "data { source = synthetic, shape = [1, 8, 8], synthetic { kind = teacher, samples = 200, " +
        "test-samples = 50, features = 64, classes = 4 } }\n" +
        "model.layers = [ { type = conv2d, filters = 4, kernel = 3, padding = same, activation = relu }, " +
        "{ type = max-pool2d, size = 2 }, { type = flatten }, { type = dense } ]\n" +
        "train { loss = cross-entropy, batch-size = 16 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldReportTheEfficiencyAndEveryLayerOfAJobsCnn() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path report = dir.resolve("compute.json");
        assertEquals(0, DescentCli.run("bench", "compute", "--config", job.toString(), "--batch", "16", "--threads",
            "1", "--steps", "3", "--rounds", "1", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("cnn-bench", json.get("model").asText());
        // conv 4×(1·3·3) + 4, dense (4·4·4)×4 + 4
        assertEquals(4 * 9 + 4 + 64 * 4 + 4, json.get("params").asLong());
        assertEquals(json.get("step_gflops").asDouble() / json.get("sgemm_peak_gflops").asDouble(),
            json.get("efficiency").asDouble(), 1e-12);
        final List<String> layers = new ArrayList<>();
        for (final JsonNode layer : json.get("layers"))
        {
            layers.add(layer.get("layer").asText().replaceAll("\\(.*", ""));
            final boolean multiplies = layer.get("layer").asText().matches("(conv2d|dense).*");
            assertEquals(multiplies, layer.get("forward_gflops").asDouble() > 0, layer.toString());
            assertEquals(multiplies, layer.get("backward_gflops").asDouble() > 0, layer.toString());
            assertTrue(layer.get("forward_ms").asDouble() >= 0 && layer.get("backward_ms").asDouble() >= 0);
        }
        assertEquals(List.of("conv2d", "max-pool2d", "flatten", "dense"), layers);
    }

    @Test
    void shouldRefuseAModelAndAJobTogether()
    {
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "bench", "compute", "--model", "10-4", "--preset", "fashion-mnist-cnn");
        assertEquals(DescentCli.EXIT_BAD_INPUT, code, err.toString());
        assertTrue(err.toString().contains("--model 10-4 and a job were given"), err.toString());
    }
}
