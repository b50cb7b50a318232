package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --workers 2 --servers 2 --cluster compression=fp16 --cluster weight-compression=fp16}: every JVM encodes
 * (workers) or decodes (both server shards) fp16 gradients of its range, and each shard publishes its range of the
 * weights as fp16, which the workers decode; the report's {@code compression} section counts every worker's every
 * range, 2 bytes a value after against 4 before, in both directions, and no node dropped a chunk. With
 * {@code weight-compression=threshold} each shard sends each worker its range whole once, then coded changes.
 */
@Tag("slow")
class CompressedGradientsTest
{
    /** 8-512-256-1: 136,193 floats (545 KB), two ranges of at least 256 KiB. */
    private static final String LAYERS = "model.layers=[{type=dense,units=512,activation=tanh}," +
        "{type=dense,units=256,activation=tanh},{type=dense,activation=identity}]";
    private static final long PARAMS = 136_193;

    @TempDir
    Path dir;

    @Test
    void shouldHalveTheGradientBytesOnEveryShardWithFp16() throws Exception
    {
        final Path report = dir.resolve("report.json");
        assertEquals(0, DescentCli.run("train", "regression", "--workers", "2", "--servers", "2", "--threads", "1",
            "--set", "train.epochs=1", "--set", "data.synthetic.samples=1200", "--set", LAYERS, "--seed", "5",
            "--cluster", "compression=fp16", "--cluster", "weight-compression=fp16", "--no-progress", "--report",
            report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final long steps = json.get("final").get("steps").asLong();
        assertTrue(steps > 5, "several steps: " + steps);
        final JsonNode compression = json.get("compression");
        assertEquals("fp16", compression.get("codec").asText(), compression.toString());
        assertEquals(2 * 2 * steps, compression.get("gradients").asLong(), "2 workers x 2 shard ranges a step");
        assertEquals(2 * PARAMS * Float.BYTES, compression.get("bytes_per_step_before").asLong(),
            "two workers' whole float32 gradient a step: " + compression);
        assertEquals(2 * PARAMS * 2, compression.get("bytes_per_step_after").asLong(), "2 bytes a value: " +
            compression);
        assertEquals(0.5, compression.get("ratio").asDouble(), 0.0);
        assertTrue(compression.get("density").isNull() && compression.get("tau").isNull(), compression.toString());
        final JsonNode weights = compression.get("weights");
        assertEquals("fp16", weights.get("codec").asText(), weights.toString());
        assertEquals(2 * 2 * steps, weights.get("copies").asLong(), "2 workers x 2 shard ranges a version");
        assertEquals(2 * PARAMS * Float.BYTES, weights.get("bytes_per_step_before").asLong(), weights.toString());
        assertEquals(2 * PARAMS * 2, weights.get("bytes_per_step_after").asLong(), weights.toString());
        final JsonNode servers = json.get("server_stats");
        assertEquals(2, servers.size(), servers.toString());
        long received = 0;
        for (final JsonNode shard : servers)
        {
            received += shard.get("bytes_received").asLong();
            assertNothingDropped(shard);
        }
        assertEquals(compression.get("bytes_after").asLong(), received, "the shards received the encoded bytes");
        json.get("worker_stats").forEach(CompressedGradientsTest::assertNothingDropped);
        assertTrue(json.get("final").get("test_rmse").asDouble() < 10.0, json.get("final").toString());
        System.out.printf("fp16, 2 workers x 2 shards, %d steps: %d -> %d gradient bytes a step, test rmse %.4f%n",
            steps, compression.get("bytes_per_step_before").asLong(), compression.get("bytes_per_step_after").asLong(),
            json.get("final").get("test_rmse").asDouble());
    }

    @Test
    void shouldSendEachShardsWeightsWholeOnceThenCodedChangesWithThreshold() throws Exception
    {
        final Path report = dir.resolve("threshold.json");
        assertEquals(0, DescentCli.run("train", "regression", "--workers", "2", "--servers", "2", "--threads", "1",
            "--set", "train.epochs=1", "--set", "data.synthetic.samples=1200", "--set", LAYERS, "--seed", "5",
            "--cluster", "compression=threshold", "--cluster", "weight-compression=threshold", "--no-progress",
            "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final long steps = json.get("final").get("steps").asLong();
        assertTrue(steps > 5, "several steps: " + steps);
        final JsonNode weights = json.get("compression").get("weights");
        assertEquals("threshold", weights.get("codec").asText(), weights.toString());
        assertEquals(2 * 2 * steps, weights.get("copies").asLong(), "2 workers x 2 shard ranges a version");
        assertEquals(2 * 2, weights.get("full_copies").asLong(), "each worker got each shard's range whole once");
        final double density = weights.get("density").asDouble();
        // 1 % once τ has moved from initial-tau to the changes' scale (at most 4× a version): 9 versions average more.
        assertTrue(density > 0.002 && density < 0.25, "a few per cent of each version's change: " + weights);
        assertTrue(weights.get("tau").asDouble() > 0.0, weights.toString());
        assertTrue(weights.get("ratio").asDouble() < 0.5, "whole once, then a few per cent: " + weights);
        json.get("server_stats").forEach(CompressedGradientsTest::assertNothingDropped);
        json.get("worker_stats").forEach(CompressedGradientsTest::assertNothingDropped);
        assertTrue(json.get("final").get("test_rmse").asDouble() < 10.0, json.get("final").toString());
        System.out.printf("threshold both ways, 2 workers x 2 shards, %d steps: weights %d -> %d bytes a step " +
            "(density %.4f), test rmse %.4f%n", steps, weights.get("bytes_per_step_before").asLong(),
            weights.get("bytes_per_step_after").asLong(), density, json.get("final").get("test_rmse").asDouble());
    }

    private static void assertNothingDropped(final JsonNode node)
    {
        final JsonNode rejected = node.get("transport").get("rejected_chunks");
        for (final String reason : List.of("encoding", "unexpected", "out_of_range", "malformed"))
        {
            assertEquals(0, rejected.get(reason).asLong(-1), reason + " in " + node);
        }
        assertEquals(0, node.get("transport").get("crc_failures").asLong(-1), node.toString());
    }
}
