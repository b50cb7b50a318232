package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent train --workers 2 --cluster consistency=backup --cluster backup-workers=1} with one worker slowed on
 * purpose (the test-only DESCENT_TEST_STEP_DELAY): steps close without it, its late gradients are dropped and counted
 * in the report, and the job still completes every planned step with both workers. The same with two server shards
 * ({@code --servers 2}, each its own JVM) and three workers, rank 2 slowed: both shards take every step and close the
 * same number of them early (every shard closes each step on the ranks the coordinator chose), each drops late
 * gradients, and the job learns.
 */
@Tag("slow")
class BackupConsistencyTest
{
    private static final String JOB = "job { name = backup, seed = 11 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 1200, " +
        "test-samples = 300, features = 12, classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 16, activation = tanh }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 20, epochs = 2, learning-rate = 0.05 }\n";

    /** With two server shards: 12-256-3, 4,099 floats, two ranges of at least 4 KiB. */
    private static final List<String> SHARDED = List.of("--servers", "2", "--cluster", "shard-min-bytes=4k",
        "--set", "model.layers=[{type=dense,units=256,activation=tanh},{type=dense}]");

    @TempDir
    Path dir;

    @Test
    void shouldCloseStepsWithoutASlowedWorkerAndCountItsDroppedGradients() throws Exception
    {
        final SlowedTrainRun run = SlowedTrainRun.run(dir, JOB, "report", "1:40", List.of("--workers", "2",
            "--cluster", "consistency=backup", "--cluster", "backup-workers=1"));
        final JsonNode json = run.json();
        final JsonNode consistency = run.consistency();
        assertEquals("backup", consistency.get("model").asText());
        assertEquals(1, consistency.get("backup_workers").asInt());
        assertTrue(consistency.get("closed_early_steps").asLong() > 0, "steps closed without the slow worker: " +
            consistency);
        assertTrue(consistency.get("late_gradients").asLong() > 0, "its late gradients were dropped: " +
            consistency);
        assertEquals(consistency.get("late_gradients").asLong(),
            json.get("server_stats").get("late_gradients").asLong());
        assertTrue(run.stdout().contains("2/2 workers"), "no worker was lost: " + run.stdout());
        System.out.printf("backup, rank 1 slowed 40 ms a step: %d of %d steps closed early, %d late gradients%n",
            consistency.get("closed_early_steps").asLong(), run.planned(), consistency.get("late_gradients").asLong());
    }

    @Test
    void shouldCloseEveryShardsStepsOnTheSameRanksWithTwoServerShards() throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--workers", "3", "--cluster", "consistency=backup",
            "--cluster", "backup-workers=1"));
        args.addAll(SHARDED);
        final SlowedTrainRun run = SlowedTrainRun.run(dir, JOB, "report", "2:40", args);
        final JsonNode json = run.json();
        final long planned = run.planned();
        final JsonNode consistency = run.consistency();
        assertEquals("backup", consistency.get("model").asText());
        final long closedEarly = consistency.get("closed_early_steps").asLong();
        assertTrue(closedEarly > 0, "steps closed without the slow worker: " + consistency);
        final JsonNode shards = json.get("server_stats");
        assertEquals(2, shards.size(), shards.toString());
        for (final JsonNode shard : shards)
        {
            assertEquals(planned, shard.get("steps").asLong(), "every step on every shard: " + shard);
            assertEquals(closedEarly, shard.get("closed_early_steps").asLong(), "each shard closed the coordinator's " +
                "early steps early, on the same ranks: " + shard);
            assertTrue(shard.get("late_gradients").asLong() > 0, "late gradients dropped: " + shard);
            assertEquals(0, shard.get("refused_gradients").asLong(), shard.toString());
        }
        assertTrue(run.stdout().contains("3/3 workers"), "no worker was lost: " + run.stdout());
        assertTrue(json.get("final").get("test_accuracy").asDouble() > 0.5, "it learned: " + json.get("final"));
        System.out.printf("backup, 2 server shards, rank 2 slowed 40 ms a step: %d of %d steps closed early, " +
            "late gradients by shard %d, %d%n", closedEarly, planned, shards.get(0).get("late_gradients").asLong(),
            shards.get(1).get("late_gradients").asLong());
    }
}
