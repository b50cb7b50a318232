package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.model.artifact.ArtifactStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent train --workers 2 --cluster consistency=ssp --cluster staleness=2} and {@code consistency=async} with
 * rank 1 slowed on purpose (the test-only DESCENT_TEST_STEP_DELAY): every gradient of every planned step is applied,
 * the fast worker runs ahead of the slow one (gradients of staleness above 0 in the report's histogram), under ssp
 * never more than s steps (no gradient staler than 2), under async further; ssp with one server runs pipelined
 * ({@code pipeline=on}: two steps ordered per worker), so the bound holds with two steps out. The same with two server
 * shards ({@code --servers 2}, each its own JVM): every shard applies every gradient's range, holds its range under
 * the bound (no shard applies a gradient staler than 2), takes every step and writes its part of the same checkpoints,
 * and the final weights are finite.
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
    /** With two server shards: 12-256-3, 4,099 floats, two ranges of at least 4 KiB. */
    private static final List<String> SHARDED = List.of("--servers", "2", "--cluster", "shard-min-bytes=4k",
        "--set", "model.layers=[{type=dense,units=256,activation=tanh},{type=dense}]");

    @TempDir
    Path dir;

    @Test
    void shouldNeverApplyAGradientStalerThanTheBoundWhileTheFastWorkerRunsAhead() throws Exception
    {
        final JsonNode consistency = train("ssp", "staleness=" + STALENESS, List.of("--cluster", "pipeline=on"))
            .get("consistency");
        assertEquals(STALENESS, consistency.get("staleness").asInt());
        assertEquals(2, consistency.get("steps_ordered_per_worker").asInt(), "pipelined");
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
        final JsonNode consistency = train("async", "staleness=0", List.of()).get("consistency");
        assertTrue(consistency.get("max_staleness_steps").asInt() > STALENESS, "no bound: " + consistency);
    }

    @Test
    void shouldHoldTheBoundOnEveryServerShard() throws Exception
    {
        final Path checkpoints = dir.resolve("checkpoints");
        final List<String> args = new ArrayList<>(SHARDED);
        args.addAll(List.of("--cluster", "checkpoint.dir=" + checkpoints, "--cluster", "checkpoint.every-steps=10"));
        final JsonNode json = train("ssp", "staleness=" + STALENESS, args);
        final long last = json.get("final").get("steps").asLong();
        for (int part = 0; part < 2; part++)
        {
            for (final long step : new long[]{ 50, last })
            {
                assertTrue(Files.isRegularFile(CheckpointStore.stepDir(checkpoints.resolve("shard-" + part + "-of-2"),
                    step).resolve("meta.kryo")), "every shard wrote its part of step " + step + ": shard " + part);
            }
        }
        final JsonNode shards = json.get("server_stats");
        for (final JsonNode shard : shards)
        {
            final JsonNode steps = shard.get("staleness_steps");
            assertTrue(shard.get("max_staleness_steps").asInt() <= STALENESS, "no gradient staler than s: " + shard);
            assertTrue(steps.size() == STALENESS + 1 && steps.get(STALENESS).asLong() > 0, "the fast worker " +
                "reached the bound on this shard: " + shard);
        }
    }

    @Test
    void shouldRunAsyncOnTwoServerShards() throws Exception
    {
        final JsonNode shards = train("async", "staleness=0", SHARDED).get("server_stats");
        for (final JsonNode shard : shards)
        {
            assertTrue(shard.get("max_staleness_steps").asInt() > STALENESS, "no bound: " + shard);
        }
    }

    /**
     * @return the report, after checking that the job applied every gradient it planned (on every server shard, each
     * of which took every step, with {@code extra} arguments naming shards) and that its final weights are finite.
     */
    private JsonNode train(final String model, final String staleness, final List<String> extra) throws Exception
    {
        final Path saved = dir.resolve(model + "-model");
        final List<String> args = new ArrayList<>(List.of("--workers", "2", "--save-model", saved.toString(),
            "--cluster", "consistency=" + model, "--cluster", staleness));
        args.addAll(extra);
        final SlowedTrainRun run = SlowedTrainRun.run(dir, JOB, model, "1:60", args);
        final JsonNode json = run.json();
        final long planned = run.planned();
        final JsonNode consistency = run.consistency();
        assertEquals(model, consistency.get("model").asText());
        long applied = 0;
        for (final JsonNode count : consistency.get("staleness_steps"))
        {
            applied += count.asLong();
        }
        assertEquals(2 * planned, applied, "every gradient of both workers applied: " + consistency);
        final JsonNode servers = json.get("server_stats");
        for (final JsonNode shard : servers.isArray() ? toList(servers) : List.of(servers))
        {
            assertEquals(planned, shard.get("steps").asLong(), "every step on every shard: " + shard);
            assertEquals(0, shard.get("refused_gradients").asLong(), shard.toString());
            if (servers.isArray())
            {
                long ranges = 0;
                for (final JsonNode count : shard.get("staleness_steps"))
                {
                    ranges += count.asLong();
                }
                assertEquals(2 * planned, ranges, "every gradient's range applied on this shard: " + shard);
            }
        }
        assertEquals(extra.contains("--servers") ? 2 : 1, servers.isArray() ? servers.size() : 1, servers.toString());
        for (final float weight : ArtifactStore.read(saved).weights())
        {
            assertTrue(Float.isFinite(weight), "finite weights");
        }
        assertTrue(run.stdout().contains("2/2 workers"), "no worker was lost: " + run.stdout());
        assertTrue(json.get("final").get("test_accuracy").asDouble() > 0.5, "it learned: " + json.get("final"));
        System.out.printf("%s, %d server(s), rank 1 slowed 60 ms a step: %d steps, staleness by steps %s, " +
            "version lag %s, test accuracy %.4f%n", model, servers.isArray() ? servers.size() : 1, planned,
            consistency.get("staleness_steps"), consistency.get("version_lag"),
            json.get("final").get("test_accuracy").asDouble());
        return json;
    }

    private static List<JsonNode> toList(final JsonNode array)
    {
        final List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes;
    }
}
