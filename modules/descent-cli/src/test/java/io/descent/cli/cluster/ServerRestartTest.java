package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server restart is a pause, not a failure: the parameter server is killed with SIGKILL mid-epoch, after a
 * checkpoint, and restarted with {@code --resume} on the same address; the same worker processes find it, register
 * again under their ranks and finish the job, with the weights of the uninterrupted run (bitwise: the saved models'
 * weight files are byte-equal, and so are the test metrics). A server that does not come back within {@code descent.cluster.server-lost-timeout} ends its workers
 * with exit code 1 and a line that says so.
 */
@Tag("slow")
class ServerRestartTest
{
    private static final String JOB = "job { name = restart, seed = 5 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 6000, " +
        "test-samples = 1000, features = 20, classes = 4, hidden = 16 } }\n" +
        "model { layers = [ { type = dense, units = 64, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 32, epochs = 3, learning-rate = 0.05, momentum = 0.9 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldFinishWithTheSameWorkersAfterTheServerIsKilledAndResumed() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path uninterrupted = dir.resolve("uninterrupted.json");
        final Path uninterruptedModel = dir.resolve("uninterrupted-model");
        assertEquals(0, DescentCli.run("train", "--config", job.toString(), "--workers", "2", "--threads", "1",
            "--report", uninterrupted.toString(), "--save-model", uninterruptedModel.toString()));

        final Path checkpoints = dir.resolve("checkpoints");
        final Path resumed = dir.resolve("resumed.json");
        final Path resumedModel = dir.resolve("resumed-model");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess first = worker("w0", job, seed);
             NodeProcess second = worker("w1", job, seed))
        {
            final long killedAfter;
            try (NodeProcess server = server("ps", job, seed, checkpoints, List.of()))
            {
                killedAfter = awaitCheckpoint(checkpoints, server);
                server.process().destroyForcibly().waitFor();
            }
            assertTrue(first.process().isAlive() && second.process().isAlive(), "the workers outlive the server");
            try (NodeProcess server = server("ps2", job, seed, checkpoints,
                List.of("--resume", checkpoints.toString(), "--report", resumed.toString(), "--save-model",
                    resumedModel.toString())))
            {
                assertEquals(0, server.awaitExit(Duration.ofSeconds(180)), server.stderr());
                assertTrue(server.stdout().contains("epoch 3/3"), server.stdout());
            }
            assertEquals(0, first.awaitExit(Duration.ofSeconds(60)), first.stderr());
            assertEquals(0, second.awaitExit(Duration.ofSeconds(60)), second.stderr());
            for (final NodeProcess worker : List.of(first, second))
            {
                final String log = worker.stderr();
                assertTrue(log.contains("lost the parameter server"), log);
                assertTrue(log.indexOf("accepted as worker rank") != log.lastIndexOf("accepted as worker rank"),
                    "accepted by both incarnations: " + log);
                assertTrue(resumedFrom(log) >= killedAfter, "resumed from the newest checkpoint: " + log);
            }
        }
        final JsonNode expected = JsonReports.mapper().readTree(uninterrupted.toFile()).get("final");
        final JsonNode actual = JsonReports.mapper().readTree(resumed.toFile()).get("final");
        assertEquals(expected.get("steps").asLong(), actual.get("steps").asLong());
        assertEquals(expected.get("test_loss").asDouble(), actual.get("test_loss").asDouble(), 0.0,
            "bitwise-identical weights give identical test metrics");
        assertEquals(expected.get("test_accuracy").asDouble(), actual.get("test_accuracy").asDouble(), 0.0);
        final byte[] weights = Files.readAllBytes(uninterruptedModel.resolve("weights.f32"));
        assertTrue(weights.length > 0);
        assertArrayEquals(weights, Files.readAllBytes(resumedModel.resolve("weights.f32")),
            "the final weights, bitwise");
    }

    @Test
    void shouldExitOneWhenTheServerDoesNotComeBackWithinTheServerLostTimeout() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        // The server waits for a second worker that never comes: it is killed before training, with no checkpoint.
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "2"));
             NodeProcess worker = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join",
                 seed, "--cluster", "server-lost-timeout=3s")))
        {
            final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!worker.stderr().contains("accepted as worker rank 0") && System.nanoTime() - deadline < 0 &&
                worker.process().isAlive())
            {
                LockSupport.parkNanos(100_000_000L);
            }
            assertTrue(worker.stderr().contains("accepted as worker rank 0"), worker.stderr());
            server.process().destroyForcibly().waitFor();
            assertEquals(1, worker.awaitExit(Duration.ofSeconds(120)), worker.stderr());
            final String stderr = worker.stderr();
            assertTrue(stderr.contains("lost the parameter server"), stderr);
            assertTrue(stderr.contains("descent: internal failure") && stderr.contains("did not come back within " +
                "descent.cluster.server-lost-timeout = 3 s"), stderr);
        }
    }

    /** @return the step the worker was last accepted from (the restarted server's checkpoint). */
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

    /**
     * Waits for the server's first checkpoint after step 0 and returns its step: the server is killed right after,
     * while the job runs on (mid-epoch: checkpoints are every 10 steps, an epoch has more than 80).
     */
    private static long awaitCheckpoint(final Path checkpoints, final NodeProcess server) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            final var latest = CheckpointStore.latest(checkpoints);
            if (latest.isPresent())
            {
                return CheckpointStore.read(latest.get()).step();
            }
            assertTrue(server.process().isAlive(), "the server ended before its first checkpoint: " +
                server.stdout() + server.stderr());
            LockSupport.parkNanos(5_000_000L);
        }
        throw new AssertionError("no checkpoint within 120 s: " + server.stdout() + server.stderr());
    }

    private NodeProcess server(final String name, final Path job, final String seed, final Path checkpoints,
        final List<String> more) throws Exception
    {
        final List<String> args = new java.util.ArrayList<>(List.of("ps", "--config", job.toString(), "--bind", seed,
            "--workers", "2", "--checkpoint-dir", checkpoints.toString(), "--cluster", "checkpoint.every-steps=10",
            "--cluster", "checkpoint.keep=100"));
        args.addAll(more);
        return new NodeProcess(dir, name, args);
    }

    private NodeProcess worker(final String name, final Path job, final String seed) throws Exception
    {
        return new NodeProcess(dir, name, List.of("worker", "--config", job.toString(), "--join", seed,
            "--cluster", "server-lost-timeout=120s"));
    }
}
