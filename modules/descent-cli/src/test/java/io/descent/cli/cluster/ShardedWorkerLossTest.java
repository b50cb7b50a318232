package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.model.artifact.ArtifactStore;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two parameter-server shards and three workers, each its own JVM: one worker is killed with SIGKILL while training.
 * The coordinator drops its rank, both shards take it out of their orders from the same step, and the job completes
 * with the other two: both shards took every step, neither refused a gradient report (their orders agreed on the
 * reassigned data shard), and the final weights and metrics are finite and trained. Then a new worker takes the lost
 * rank's place: both shards order it from the same join step.
 */
@Tag("slow")
class ShardedWorkerLossTest
{
    /** 8-256-128-1: 35,329 floats (138 KB), two ranges of at least 64 KiB. */
    private static final String LAYERS = "model.layers=[{type=dense,units=256,activation=tanh}," +
        "{type=dense,units=128,activation=tanh},{type=dense,activation=identity}]";
    private static final int EPOCHS = 12;
    private static final List<String> JOB = job(6000);
    /** Long enough after the loss for a new worker JVM to start and join. */
    private static final List<String> LONG_JOB = job(60000);
    private static final Pattern RANK = Pattern.compile("accepted as worker rank (\\d+) of 3");
    private static final Pattern COORDINATOR_DROP = Pattern.compile(
        "worker rank (\\d+) is out of every server shard's orders from step (\\d+)");
    private static final Pattern SHARD_DROP = Pattern.compile(
        "server shard 1: worker rank (\\d+) dropped; out of the orders from step (\\d+)");
    private static final Pattern COORDINATOR_JOIN = Pattern.compile("worker rank (\\d+) joined at step (\\d+)");
    private static final Pattern SHARD_JOIN = Pattern.compile(
        "server shard 1: worker rank (\\d+) joins at step (\\d+)");

    @TempDir
    Path dir;

    @Test
    void shouldCompleteWithTheOtherWorkersWhenOneIsKilled() throws Exception
    {
        final Path report = dir.resolve("report.json");
        final Path model = dir.resolve("model");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess coordinator = node("ps", List.of("ps", "--shard", "0", "--shards", "2", "--workers", "3",
                 "--bind", seed, "--report", report.toString(), "--save-model", model.toString()));
             NodeProcess follower = node("ps-shard-1", List.of("ps", "--shard", "1", "--shards", "2", "--workers",
                 "3", "--join", seed, "--bind", "127.0.0.1:" + NodeProcess.freePort()));
             NodeProcess w0 = node("w0", List.of("worker", "--join", seed));
             NodeProcess w1 = node("w1", List.of("worker", "--join", seed));
             NodeProcess w2 = node("w2", List.of("worker", "--join", seed)))
        {
            coordinator.awaitOutput("epoch 1/" + EPOCHS, Duration.ofSeconds(300));
            final List<NodeProcess> workers = List.of(w0, w1, w2);
            final NodeProcess victim = workers.get(indexOfRank(workers, 1));
            victim.process().destroyForcibly().waitFor();

            assertEquals(0, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stdout() +
                coordinator.stderr());
            assertEquals(0, follower.awaitExit(Duration.ofSeconds(60)), follower.stderr());
            for (final NodeProcess worker : workers)
            {
                if (worker != victim)
                {
                    assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.stderr());
                }
            }
            assertTrue(coordinator.stderr().contains("dropped worker rank 1"), coordinator.stderr());
            final long[] atCoordinator = drop(COORDINATOR_DROP, coordinator.stderr());
            final long[] atShard = drop(SHARD_DROP, follower.stderr());
            assertEquals(1, atCoordinator[0], "the killed rank");
            assertEquals(atCoordinator[0], atShard[0], "both shards dropped the same rank");
            assertEquals(atCoordinator[1], atShard[1], "from the same step");
            assertTrue(atCoordinator[1] > 0, "while training");
        }

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final long steps = json.get("final").get("steps").asLong();
        final JsonNode servers = json.get("server_stats");
        assertEquals(2, servers.size(), servers.toString());
        for (final JsonNode entry : servers)
        {
            assertEquals(steps, entry.get("steps").asLong(), "every shard took every step: " + entry);
            assertEquals(0, entry.get("refused_gradients").asLong(), "the shards' orders agreed: " + entry);
        }
        final JsonNode epochs = json.get("epochs");
        assertEquals(EPOCHS, epochs.size());
        final double first = epochs.get(0).get("val_loss").asDouble();
        final double last = epochs.get(EPOCHS - 1).get("val_loss").asDouble();
        final double test = json.get("final").get("test_loss").asDouble();
        assertTrue(Double.isFinite(test) && Double.isFinite(last) && last < first,
            "trained on with two workers: validation loss " + first + " -> " + last + ", test " + test);
        for (final float weight : ArtifactStore.read(model).weights())
        {
            assertFalse(Float.isNaN(weight) || Float.isInfinite(weight), "finite weights");
        }
    }

    /** @return the index in {@code workers} of the process accepted as {@code rank}. */
    private static int indexOfRank(final List<NodeProcess> workers, final int rank) throws Exception
    {
        for (int i = 0; i < workers.size(); i++)
        {
            final Matcher accepted = RANK.matcher(workers.get(i).stderr());
            if (accepted.find() && Integer.parseInt(accepted.group(1)) == rank)
            {
                return i;
            }
        }
        throw new AssertionError("no worker was accepted as rank " + rank);
    }

    /** @return the rank and step of the only drop {@code pattern} finds in {@code log}. */
    private static long[] drop(final Pattern pattern, final String log)
    {
        final Matcher found = pattern.matcher(log);
        assertTrue(found.find(), "no drop in:\n" + log);
        final long[] drop = { Long.parseLong(found.group(1)), Long.parseLong(found.group(2)) };
        assertFalse(found.find(), "one drop only:\n" + log);
        return drop;
    }

    /**
     * Kills rank 1 once training runs and, once the coordinator dropped it, starts a new worker: it joins in rank 1's
     * place at the same step on both shards, and the job completes with three workers again.
     */
    @Test
    void shouldOrderANewWorkerInTheLostRanksPlaceOnBothShards() throws Exception
    {
        final Path report = dir.resolve("report.json");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess coordinator = node("ps", LONG_JOB, List.of("ps", "--shard", "0", "--shards", "2",
                 "--workers", "3", "--bind", seed, "--report", report.toString()));
             NodeProcess follower = node("ps-shard-1", LONG_JOB, List.of("ps", "--shard", "1", "--shards", "2",
                 "--workers", "3", "--join", seed, "--bind", "127.0.0.1:" + NodeProcess.freePort()));
             NodeProcess w0 = node("w0", LONG_JOB, List.of("worker", "--join", seed));
             NodeProcess w1 = node("w1", LONG_JOB, List.of("worker", "--join", seed));
             NodeProcess w2 = node("w2", LONG_JOB, List.of("worker", "--join", seed)))
        {
            coordinator.awaitOutput("3 workers joined", Duration.ofSeconds(300));
            final List<NodeProcess> workers = List.of(w0, w1, w2);
            final NodeProcess victim = workers.get(indexOfRank(workers, 1));
            victim.process().destroyForcibly().waitFor();
            awaitLog(coordinator, "dropped worker rank 1");
            try (NodeProcess joiner = node("w3", LONG_JOB, List.of("worker", "--join", seed)))
            {
                assertEquals(0, coordinator.awaitExit(Duration.ofSeconds(300)), coordinator.stdout() +
                    coordinator.stderr());
                assertEquals(0, follower.awaitExit(Duration.ofSeconds(60)), follower.stderr());
                assertEquals(0, joiner.awaitExit(Duration.ofSeconds(60)), joiner.stderr());
                for (final NodeProcess worker : workers)
                {
                    if (worker != victim)
                    {
                        assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.stderr());
                    }
                }
            }
            final long[] dropped = drop(COORDINATOR_DROP, coordinator.stderr());
            assertEquals(dropped[1], drop(SHARD_DROP, follower.stderr())[1], "dropped from the same step");
            final long[] joined = drop(COORDINATOR_JOIN, coordinator.stdout());
            final long[] joinedAtShard = drop(SHARD_JOIN, follower.stderr());
            assertEquals(1, joined[0], "the new worker took the lost rank");
            assertEquals(joined[0], joinedAtShard[0]);
            assertEquals(joined[1], joinedAtShard[1], "both shards ordered it from the same step");
            assertTrue(joined[1] > dropped[1], "after the loss");
        }
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final long steps = json.get("final").get("steps").asLong();
        for (final JsonNode entry : json.get("server_stats"))
        {
            assertEquals(steps, entry.get("steps").asLong(), "every shard took every step: " + entry);
            assertEquals(0, entry.get("refused_gradients").asLong(), "the shards' orders agreed: " + entry);
        }
        assertTrue(Double.isFinite(json.get("final").get("test_loss").asDouble()), json.get("final").toString());
    }

    /** Polls the node's log (its standard error) until it contains {@code text}. */
    private static void awaitLog(final NodeProcess node, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!node.stderr().contains(text))
        {
            assertTrue(node.process().isAlive() && System.nanoTime() - deadline < 0, "no '" + text + "' in:\n" +
                node.stdout() + node.stderr());
            LockSupport.parkNanos(100_000_000L);
        }
    }

    private NodeProcess node(final String name, final List<String> command) throws Exception
    {
        return node(name, JOB, command);
    }

    private NodeProcess node(final String name, final List<String> job, final List<String> command)
        throws Exception
    {
        final List<String> args = new ArrayList<>(command);
        args.addAll(job);
        return new NodeProcess(dir, name, args);
    }

    private static List<String> job(final int samples)
    {
        return List.of("regression", "--set", "train.epochs=" + EPOCHS, "--set", "data.synthetic.samples=" +
            samples, "--set", LAYERS, "--seed", "5", "--cluster", "shard-min-bytes=64k", "--cluster",
            "data-plane.auth=none", "--cluster", "registration-timeout=300s", "--cluster", "step-timeout=10s",
            "--cluster", "send-timeout=5s");
    }
}
