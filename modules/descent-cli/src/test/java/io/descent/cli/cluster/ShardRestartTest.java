package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.checkpoint.ShardCheckpoints;
import io.descent.cluster.metrics.Scrape;
import io.descent.model.artifact.ArtifactStore;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two parameter-server shards with checkpoints: shard 1 is killed with SIGKILL mid-job, after a checkpoint both
 * shards completed; the coordinator then stops without ending the job and the same worker processes wait; both shards
 * started again with {@code --resume} go on from the newest complete checkpoint and finish the job with the weights
 * of the uninterrupted run, bit for bit (and the same test metrics). A resume with another shard count is refused.
 * Under {@code ssp} (s = 1) the same kill and resume: the job completes every planned step from a checkpoint both
 * shards completed, with finite weights (ssp is not reproducible bit for bit); before the kill, shard 1's own
 * {@code /metrics} counts the gradients it applied, none staler than s.
 */
@Tag("slow")
class ShardRestartTest
{
    /** 8-512-256-1: 136,193 floats (545 KB), two ranges of at least 256 KiB. */
    private static final String LAYERS = "model.layers=[{type=dense,units=512,activation=tanh}," +
        "{type=dense,units=256,activation=tanh},{type=dense,activation=identity}]";
    private static final List<String> JOB = List.of("regression", "--set", "train.epochs=2", "--set",
        "data.synthetic.samples=6000", "--set", LAYERS, "--seed", "5");

    @TempDir
    Path dir;

    @Test
    void shouldFinishBitwiseAsUninterruptedAfterAShardIsKilledAndEveryShardResumed() throws Exception
    {
        final Path uninterrupted = Files.createDirectories(dir.resolve("uninterrupted"));
        final List<String> train = new ArrayList<>(List.of("train"));
        train.addAll(JOB);
        train.addAll(List.of("--workers", "2", "--threads", "1", "--save-model",
            uninterrupted.resolve("model").toString(), "--report", uninterrupted.resolve("report.json").toString()));
        assertEquals(0, DescentCli.run(train.toArray(String[]::new)), "the uninterrupted run, one server");

        final Path checkpoints = dir.resolve("checkpoints");
        final Path resumed = Files.createDirectories(dir.resolve("resumed"));
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess first = worker("w0", seed);
             NodeProcess second = worker("w1", seed))
        {
            final long killedAfter;
            try (NodeProcess coordinator = shard(0, "ps", seed, checkpoints, List.of());
                 NodeProcess follower = shard(1, "ps-shard-1", seed, checkpoints, List.of()))
            {
                killedAfter = awaitCompleteCheckpoint(checkpoints, coordinator);
                follower.process().destroyForcibly().waitFor();
                assertEquals(1, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stderr());
                assertTrue(coordinator.stdout().contains("restart every shard with --resume"), coordinator.stdout());
            }
            assertTrue(first.process().isAlive() && second.process().isAlive(), "the workers outlive the shards");
            try (NodeProcess coordinator = shard(0, "ps2", seed, checkpoints, List.of("--resume",
                     checkpoints.toString(), "--report", resumed.resolve("report.json").toString(), "--save-model",
                     resumed.resolve("model").toString()));
                 NodeProcess follower = shard(1, "ps-shard-1b", seed, checkpoints, List.of("--resume",
                     checkpoints.toString())))
            {
                assertEquals(0, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stderr());
                assertEquals(0, follower.awaitExit(Duration.ofSeconds(60)), follower.stderr());
            }
            assertEquals(0, first.awaitExit(Duration.ofSeconds(60)), first.stderr());
            assertEquals(0, second.awaitExit(Duration.ofSeconds(60)), second.stderr());
            for (final NodeProcess worker : List.of(first, second))
            {
                final String log = worker.stderr();
                assertTrue(log.contains("lost the parameter server"), log);
                assertTrue(resumedFrom(log) >= killedAfter, "resumed from the newest complete checkpoint: " + log);
            }
        }
        final JsonNode expected = JsonReports.mapper().readTree(uninterrupted.resolve("report.json").toFile())
            .get("final");
        final JsonNode actual = JsonReports.mapper().readTree(resumed.resolve("report.json").toFile()).get("final");
        assertEquals(expected.get("steps").asLong(), actual.get("steps").asLong());
        assertEquals(expected.get("test_loss").asDouble(), actual.get("test_loss").asDouble(), 0.0,
            "bitwise-identical weights give identical test metrics");
        final byte[] weights = Files.readAllBytes(uninterrupted.resolve("model").resolve("weights.f32"));
        assertTrue(weights.length > 0);
        assertArrayEquals(weights, Files.readAllBytes(resumed.resolve("model").resolve("weights.f32")),
            "the final weights, bitwise");
        for (int shard = 0; shard < 2; shard++)
        {
            final long[] steps = CheckpointStore.steps(ShardCheckpoints.part(checkpoints, shard, 2));
            assertTrue(steps.length > 0 && steps.length <= 3 && steps[steps.length - 1] == expected.get("steps")
                .asLong(), "shard " + shard + " kept keep + 1 = 3 parts, the last the final step's: " +
                Arrays.toString(steps));
        }

        // The checkpoints of two shards, resumed by three (smaller ranges allowed) for another batch size (so not the
        // job that completed there, with its marker gone): refused before any worker is awaited.
        Files.delete(checkpoints.resolve("COMPLETE"));
        try (NodeProcess three = new NodeProcess(dir, "ps3", withJob(List.of("ps", "--bind", "127.0.0.1:" +
            NodeProcess.freePort(), "--workers", "2", "--shards", "3", "--resume", checkpoints.toString(),
            "--cluster", "shard-min-bytes=64k", "--set", "train.batch-size=32"))))
        {
            assertEquals(2, three.awaitExit(Duration.ofSeconds(300)), three.stdout() + three.stderr());
            assertTrue(three.stderr().contains("written by 2 parameter-server shards"), three.stderr());
        }
    }

    @Test
    void shouldFinishAnSspJobAfterAShardIsKilledAndEveryShardResumed() throws Exception
    {
        final List<String> ssp = List.of("--cluster", "consistency=ssp", "--cluster", "staleness=1");
        final Path checkpoints = dir.resolve("checkpoints");
        final Path resumed = Files.createDirectories(dir.resolve("resumed"));
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess first = worker("w0", seed, ssp);
             NodeProcess second = worker("w1", seed, ssp))
        {
            final long killedAfter;
            final int followerMetrics = NodeProcess.freePort();
            final List<String> scraped = new ArrayList<>(ssp);
            scraped.addAll(List.of("--metrics-port", Integer.toString(followerMetrics)));
            try (NodeProcess coordinator = shard(0, "ps", seed, checkpoints, ssp);
                 NodeProcess follower = shard(1, "ps-shard-1", seed, checkpoints, scraped))
            {
                killedAfter = awaitCompleteCheckpoint(checkpoints, coordinator);
                assertFollowerStaleness(followerMetrics, 1);
                follower.process().destroyForcibly().waitFor();
                assertEquals(1, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stderr());
                assertTrue(coordinator.stdout().contains("restart every shard with --resume"), coordinator.stdout());
            }
            final List<String> again = new ArrayList<>(ssp);
            again.addAll(List.of("--resume", checkpoints.toString()));
            final List<String> reporting = new ArrayList<>(again);
            reporting.addAll(List.of("--report", resumed.resolve("report.json").toString(), "--save-model",
                resumed.resolve("model").toString()));
            try (NodeProcess coordinator = shard(0, "ps2", seed, checkpoints, reporting);
                 NodeProcess follower = shard(1, "ps-shard-1b", seed, checkpoints, again))
            {
                assertEquals(0, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stderr());
                assertEquals(0, follower.awaitExit(Duration.ofSeconds(60)), follower.stderr());
            }
            assertEquals(0, first.awaitExit(Duration.ofSeconds(60)), first.stderr());
            assertEquals(0, second.awaitExit(Duration.ofSeconds(60)), second.stderr());
            for (final NodeProcess worker : List.of(first, second))
            {
                assertTrue(resumedFrom(worker.stderr()) >= killedAfter, "resumed from the newest complete " +
                    "checkpoint: " + worker.stderr());
            }
        }
        final JsonNode json = JsonReports.mapper().readTree(resumed.resolve("report.json").toFile());
        long planned = 0;
        for (final JsonNode epoch : json.get("epochs"))
        {
            planned += epoch.get("steps").asLong();
        }
        assertTrue(planned > 0, json.toString());
        assertEquals("ssp", json.get("consistency").get("model").asText());
        for (final JsonNode shard : json.get("server_stats"))
        {
            assertEquals(0, shard.get("refused_gradients").asLong(), shard.toString());
        }
        final long last = json.get("final").get("steps").asLong();
        for (final float weight : ArtifactStore.read(resumed.resolve("model")).weights())
        {
            assertTrue(Float.isFinite(weight), "finite weights");
        }
        for (int shard = 0; shard < 2; shard++)
        {
            final long[] steps = CheckpointStore.steps(ShardCheckpoints.part(checkpoints, shard, 2));
            assertTrue(steps.length > 0 && steps[steps.length - 1] == last, "shard " + shard + " wrote its part " +
                "of the final step " + last + ": " + Arrays.toString(steps));
        }
    }

    /**
     * Scrapes a non-coordinator shard's own {@code /metrics} (fed by its {@code ShardServer.Observer}): it counted
     * applied gradients, and none staler than the bound.
     */
    private static void assertFollowerStaleness(final int port, final int staleness) throws Exception
    {
        final List<Scrape.Sample> samples = Scrape.metrics(port);
        double count = 0;
        double withinBound = 0;
        for (final Scrape.Sample sample : samples)
        {
            if (sample.name().equals("descent_gradient_staleness_steps_count"))
            {
                count += sample.value();
            }
            else if (sample.name().equals("descent_gradient_staleness_steps_bucket") &&
                Integer.toString(staleness).equals(sample.labels().get("le").replace(".0", "")))
            {
                withinBound += sample.value();
            }
        }
        assertTrue(count > 0, "shard 1 counted the gradients it applied on its /metrics: " + samples);
        assertEquals(count, withinBound, "none staler than s = " + staleness + " on shard 1: " + samples);
    }

    /** @return the step the worker was last accepted from (the restarted coordinator's checkpoint). */
    private static long resumedFrom(final String log)
    {
        final java.util.regex.Matcher accepted = java.util.regex.Pattern
            .compile("accepted as worker rank \\d+ of 2 from step (\\d+)").matcher(log);
        long last = -1;
        while (accepted.find())
        {
            last = Long.parseLong(accepted.group(1));
        }
        return last;
    }

    /** Waits for the first checkpoint after step 0 that both shards completed and returns its step. */
    private static long awaitCompleteCheckpoint(final Path checkpoints, final NodeProcess coordinator)
        throws Exception
    {
        // Generous: on a loaded 2-core CI box, four JVMs may take minutes to start.
        final long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            final long[] zero = CheckpointStore.steps(ShardCheckpoints.part(checkpoints, 0, 2));
            final long[] one = CheckpointStore.steps(ShardCheckpoints.part(checkpoints, 1, 2));
            for (final long step : one)
            {
                if (Arrays.binarySearch(zero, step) >= 0)
                {
                    return step;
                }
            }
            assertTrue(coordinator.process().isAlive(), "the coordinator ended before the first checkpoint: " +
                coordinator.stdout() + coordinator.stderr());
            LockSupport.parkNanos(5_000_000L);
        }
        throw new AssertionError("no complete checkpoint within 300 s: " + coordinator.stdout() +
            coordinator.stderr());
    }

    private NodeProcess shard(final int shard, final String name, final String seed, final Path checkpoints,
        final List<String> more) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("ps", "--shard", String.valueOf(shard), "--shards", "2",
            "--workers", "2", "--checkpoint-dir", checkpoints.toString(), "--cluster", "checkpoint.every-steps=10",
            "--cluster", "checkpoint.keep=2"));
        args.addAll(shard == 0 ? List.of("--bind", seed) : List.of("--join", seed, "--bind", "127.0.0.1:" +
            NodeProcess.freePort()));
        args.addAll(more);
        return new NodeProcess(dir, name, withJob(args));
    }

    private NodeProcess worker(final String name, final String seed) throws Exception
    {
        return worker(name, seed, List.of());
    }

    private NodeProcess worker(final String name, final String seed, final List<String> more) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("worker", "--join", seed, "--cluster",
            "server-lost-timeout=300s"));
        args.addAll(more);
        return new NodeProcess(dir, name, withJob(args));
    }

    private static List<String> withJob(final List<String> command)
    {
        final List<String> args = new ArrayList<>(command);
        args.addAll(JOB);
        args.addAll(List.of("--cluster", "data-plane.auth=none", "--cluster", "registration-timeout=300s"));
        return args;
    }
}
