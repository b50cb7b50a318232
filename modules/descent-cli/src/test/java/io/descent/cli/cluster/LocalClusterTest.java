package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cluster.metrics.Scrape;
import io.descent.report.JsonReports;
import io.descent.transport.wire.FastestMac;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster as separate JVMs on loopback: a parameter server and workers train a synthetic problem, survive a
 * worker killed with SIGKILL, resume a killed server from its checkpoints to the uninterrupted result (an MLP and a
 * small CNN), and refuse bad input clearly.
 */
@Tag("slow")
class LocalClusterTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 6000, " +
        "test-samples = 1000, features = 20, classes = 4, hidden = 16 } }\n" +
        "model { layers = [ { type = dense, units = 64, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 32, epochs = 3, learning-rate = 0.05 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldTrainToATargetLossAsSeparateProcesses() throws Exception
    {
        final Path report = dir.resolve("report.json");
        final int code = DescentCli.run("train", "--config", job("").toString(), "--workers", "2", "--threads", "1",
            "--report", report.toString());
        assertEquals(0, code);
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("local", json.get("mode").asText());
        assertEquals(2, json.get("workers").asInt());
        // A local cluster runs mutual TLS with a throw-away CA and a random key, so its data plane has a MAC.
        assertEquals("mutual-tls", json.at("/security/control_plane").asText(), json.toString());
        assertEquals(FastestMac.onThisRuntime().label(), json.at("/security/data_plane").asText());
        assertTrue(json.at("/security/cluster_key").asBoolean());
        final JsonNode epochs = json.get("epochs");
        assertEquals(3, epochs.size());
        final double lastLoss = epochs.get(2).get("val_loss").asDouble();
        assertTrue(lastLoss < 0.62 && lastLoss < epochs.get(0).get("val_loss").asDouble(), "val loss " + lastLoss);
        final Set<Long> pids = new HashSet<>(List.of(ProcessHandle.current().pid(),
            json.get("server_stats").get("pid").asLong()));
        for (final JsonNode worker : json.get("worker_stats"))
        {
            assertTrue(pids.add(worker.get("pid").asLong()), "distinct pids: " + json.get("worker_stats"));
            assertTrue(worker.get("bytes_sent").asLong() > 0);
        }
        assertEquals(4, pids.size());
        assertTrue(json.get("server_stats").get("bytes_received").asLong() > 0);
        assertEpochsSplitTheWorkersTime(json);
        assertTransportCounted(json.get("server_stats"));
        json.get("worker_stats").forEach(LocalClusterTest::assertTransportCounted);
        assertEquals(0, json.get("server_stats").get("ignored_gradients").asLong());
    }

    /**
     * A node's data-plane drop counters are in the report under stable names; a clean run over IPC drops nothing, also
     * with every chunk authenticated (a local cluster has a key, so its data plane has a MAC).
     */
    private static void assertTransportCounted(final JsonNode node)
    {
        final JsonNode transport = node.get("transport");
        for (final String field : List.of("crc_failures", "duplicate_chunks", "late_chunks", "incomplete_messages",
            "late_messages", "duplicate_messages"))
        {
            assertEquals(0, transport.get(field).asLong(-1), field + " in " + node);
        }
        for (final String reason : List.of("unknown_job", "fingerprint", "unexpected", "malformed", "out_of_range",
            "bad_mac", "unknown_session", "replay"))
        {
            assertEquals(0, transport.get("rejected_chunks").get(reason).asLong(-1), reason + " in " + node);
        }
    }

    /** The epochs' steps and mean worker seconds add up to the run's steps and the workers' final totals. */
    private static void assertEpochsSplitTheWorkersTime(final JsonNode json)
    {
        long steps = 0;
        double compute = 0.0;
        double comm = 0.0;
        for (final JsonNode epoch : json.get("epochs"))
        {
            assertTrue(epoch.get("compute_s").asDouble() > 0 && epoch.get("comm_s").asDouble() > 0, epoch.toString());
            steps += epoch.get("steps").asLong();
            compute += epoch.get("compute_s").asDouble();
            comm += epoch.get("comm_s").asDouble();
        }
        double workerCompute = 0.0;
        double workerComm = 0.0;
        for (final JsonNode worker : json.get("worker_stats"))
        {
            workerCompute += worker.get("compute_s").asDouble();
            workerComm += worker.get("push_s").asDouble() + worker.get("wait_s").asDouble();
        }
        final int workers = json.get("worker_stats").size();
        assertEquals(json.get("final").get("steps").asLong(), steps, "every step in one epoch");
        assertEquals(workerCompute / workers, compute, 1e-6, "per-epoch means of the workers' compute seconds");
        assertEquals(workerComm / workers, comm, 1e-6, "per-epoch means of the workers' push + wait seconds");
    }

    @Test
    void shouldCompleteTheJobWhenAWorkerIsKilled() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Path job = job("train.epochs = 4");
        final int serverMetrics = NodeProcess.freePort();
        final int workerMetrics = NodeProcess.freePort();
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "2", "--cluster", "step-timeout=3s", "--report", dir.resolve("r.json").toString(),
                "--metrics-port", Integer.toString(serverMetrics)));
             NodeProcess first = new NodeProcess(dir, "w0", List.of("worker", "--config", job.toString(), "--join",
                 seed, "--metrics-port", Integer.toString(workerMetrics)));
             NodeProcess second = worker("w1", job, seed))
        {
            server.awaitOutput("epoch 1/4", Duration.ofSeconds(120));
            assertStepsAreMeasured(serverMetrics, workerMetrics);
            second.process.destroyForcibly();
            assertEquals(0, server.awaitExit(Duration.ofSeconds(120)), server.stderr());
            assertTrue(server.stdout().contains("epoch 4/4"), server.stdout());
            assertTrue(server.stderr().contains("dropped worker rank"), server.stderr());
            assertEquals(0, first.awaitExit(Duration.ofSeconds(60)), first.stderr());
        }
    }

    /** A small CNN on the teacher's rows as 8×8 images: conv 3×3×4 → max-pool 2 → flatten → dense. */
    private static final String CNN = "data { shape = [1, 8, 8], synthetic.features = 64 }\n" +
        "model.layers = [ { type = conv2d, filters = 4, kernel = 3, padding = same, activation = relu }, " +
        "{ type = max-pool2d, size = 2 }, { type = flatten }, { type = dense } ]";

    @ParameterizedTest(name = "cnn = {0}")
    @ValueSource(booleans = { false, true })
    void shouldResumeAfterTheServerIsKilledToTheUninterruptedResult(final boolean cnn) throws Exception
    {
        final Path job = job("train.epochs = 3\n" + (cnn ? CNN : ""));
        final Path uninterrupted = dir.resolve("uninterrupted.json");
        assertEquals(0, DescentCli.run("train", "--config", job.toString(), "--workers", "2", "--threads", "1",
            "--report", uninterrupted.toString()));
        final Path checkpoints = dir.resolve("checkpoints");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "2", "--checkpoint-dir", checkpoints.toString(), "--cluster", "checkpoint.every-steps=20"));
             NodeProcess first = worker("w0", job, seed);
             NodeProcess second = worker("w1", job, seed))
        {
            server.awaitOutput("epoch 1/3", Duration.ofSeconds(120));
            server.process.destroyForcibly().waitFor();
        }
        final Path resumed = dir.resolve("resumed.json");
        final String seed2 = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess server = new NodeProcess(dir, "ps2", List.of("ps", "--config", job.toString(), "--bind",
                seed2, "--workers", "2", "--resume", checkpoints.toString(), "--report", resumed.toString()));
             NodeProcess first = worker("w2", job, seed2);
             NodeProcess second = worker("w3", job, seed2))
        {
            assertEquals(0, server.awaitExit(Duration.ofSeconds(120)), server.stderr());
        }
        final JsonNode expected = JsonReports.mapper().readTree(uninterrupted.toFile()).get("final");
        final JsonNode actual = JsonReports.mapper().readTree(resumed.toFile()).get("final");
        assertEquals(expected.get("steps").asLong(), actual.get("steps").asLong());
        assertEquals(expected.get("test_loss").asDouble(), actual.get("test_loss").asDouble(), 0.0,
            "bitwise-identical weights give identical test metrics");
        assertEquals(expected.get("test_accuracy").asDouble(), actual.get("test_accuracy").asDouble(), 0.0);
    }

    @Test
    void shouldRefuseAWorkerWithAnotherModelOnBothSides() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Path job = job("");
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--cluster", "registration-timeout=60s"));
             NodeProcess other = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join", seed,
                 "--set", "model.layers=[{type=dense,units=32},{type=dense}]")))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, other.awaitExit(Duration.ofSeconds(120)), other.stderr());
            assertTrue(other.stderr().contains("model fingerprint mismatch"), other.stderr());
            server.awaitOutput("waiting for 1 workers", Duration.ofSeconds(10));
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!server.stderr().contains("refused worker") && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            assertTrue(server.stderr().contains("refused worker") &&
                server.stderr().contains("model fingerprint mismatch"), server.stderr());
        }
    }

    @Test
    void shouldRefuseAWorkerWithAnotherClusterKeyOnBothSidesAndAcceptTheRightOne() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Path job = job("");
        final Path key = Files.writeString(dir.resolve("key"), "the-right-cluster-key-0123\n");
        final Path wrong = Files.writeString(dir.resolve("wrong"), "a-wrong-cluster-key-456789\n");
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--cluster-key-file", key.toString(), "--cluster", "registration-timeout=120s"));
             NodeProcess other = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join", seed,
                 "--cluster-key-file", wrong.toString())))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, other.awaitExit(Duration.ofSeconds(120)), other.stderr());
            assertTrue(other.stderr().contains("cluster key differs: the worker's key proof does not match"),
                other.stderr());
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!server.stderr().contains("cluster key differs") && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            assertTrue(server.stderr().contains("refused worker") && server.stderr().contains("cluster key differs"),
                server.stderr());
            try (NodeProcess right = new NodeProcess(dir, "w2", List.of("worker", "--config", job.toString(), "--join",
                seed, "--cluster-key-file", key.toString())))
            {
                assertEquals(0, server.awaitExit(Duration.ofSeconds(180)), server.stderr());
                assertEquals(0, right.awaitExit(Duration.ofSeconds(30)), right.stderr());
                for (final NodeProcess node : List.of(server, other, right))
                {
                    assertFalse((node.stdout() + node.stderr()).contains("cluster-key-0123"), "no key in the output");
                }
            }
        }
    }

    @Test
    void shouldRefuseAWorkerWithAnotherDataPlaneAuthenticationOnBothSides() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Path job = job("");
        final Path key = Files.writeString(dir.resolve("key"), "the-right-cluster-key-0123\n");
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--cluster-key-file", key.toString(), "--cluster", "registration-timeout=60s"));
             NodeProcess other = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join", seed,
                 "--cluster-key-file", key.toString(), "--cluster", "data-plane.auth=hmac-sha256")))
        {
            final String line = "data-plane authentication differs: the worker uses hmac-sha256 but the parameter " +
                "server uses " + FastestMac.onThisRuntime().label();
            assertEquals(DescentCli.EXIT_BAD_INPUT, other.awaitExit(Duration.ofSeconds(120)), other.stderr());
            assertTrue(other.stderr().contains(line), other.stderr());
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!server.stderr().contains(line) && System.nanoTime() < deadline)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
            assertTrue(server.stderr().contains("refused worker") && server.stderr().contains(line), server.stderr());
        }
    }

    @Test
    void shouldLetAWorkerSetToAutoTakeTheServersMac() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Path job = job("");
        final Path key = Files.writeString(dir.resolve("key"), "the-right-cluster-key-0123\n");
        final Path report = dir.resolve("ps-report.json");
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--cluster-key-file", key.toString(), "--report", report.toString(), "--cluster",
                "data-plane.auth=chacha20-poly1305", "--cluster", "registration-timeout=120s"));
             NodeProcess worker = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join",
                 seed, "--cluster-key-file", key.toString())))
        {
            assertEquals(0, server.awaitExit(Duration.ofSeconds(180)), server.stderr());
            assertEquals(0, worker.awaitExit(Duration.ofSeconds(30)), worker.stderr());
        }
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("chacha20-poly1305", json.at("/security/data_plane").asText(), json.toString());
        assertTransportCounted(json.get("server_stats"));
        for (final JsonNode worker : json.get("worker_stats"))
        {
            assertTransportCounted(worker);
        }
    }

    @Test
    void shouldExitWithBadInputWhenTheSeedIsUnreachable() throws Exception
    {
        final StringWriter err = new StringWriter();
        final long start = System.nanoTime();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "worker", "--config", job("").toString(), "--join", "127.0.0.1:" + NodeProcess.freePort(),
            "--cluster", "registration-timeout=3s");
        assertEquals(DescentCli.EXIT_BAD_INPUT, code, err.toString());
        assertTrue(err.toString().contains("is not reachable within"), err.toString());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos());
    }

    /**
     * Every step feeds the live metrics of the server and of a worker (labelled with its assigned rank).
     *
     * <p>The job runs on while a scrape is rendered, one metric after the other, so the step count and the timed
     * count of one scrape may be several steps apart. The scrapes just before and just after bracket it: a timed
     * count outside [steps before - 1, steps after + 1] means steps that were not timed (or timed twice).
     */
    private static void assertStepsAreMeasured(final int serverPort, final int workerPort) throws Exception
    {
        final double before = psSteps(Scrape.metrics(serverPort));
        final List<Scrape.Sample> server = Scrape.metrics(serverPort);
        final double after = psSteps(Scrape.metrics(serverPort));
        final double steps = psSteps(server);
        assertTrue(steps >= 1, "ps steps " + steps);
        final double timed = Scrape.value(server, "descent_step_seconds_count", "role", "ps").orElseThrow();
        assertTrue(timed >= before - 1 && timed <= after + 1,
            "each step is timed: " + timed + " times, steps " + before + " before and " + after + " after");
        assertTrue(Scrape.value(server, "descent_gradient_wait_seconds_sum", "role", "ps").orElseThrow() > 0);
        assertTrue(Scrape.value(server, "descent_received_bytes_total", "role", "ps").orElseThrow() > 0);
        assertTrue(Scrape.value(server, "descent_sent_bytes_total", "role", "ps").orElseThrow() > 0);
        assertEquals(2.0, Scrape.value(server, "descent_live_workers", "role", "ps").orElseThrow());
        assertEquals(0.0, Scrape.value(server, "descent_transport_crc_failures_total", "role", "ps").orElseThrow());
        assertEquals(0.0, Scrape.value(server, "descent_transport_rejected_chunks_total", "role", "ps", "reason",
            "unknown_job").orElseThrow());
        final List<Scrape.Sample> worker = Scrape.metrics(workerPort);
        final OptionalDouble rank0 = Scrape.value(worker, "descent_steps_total", "role", "worker", "rank", "0");
        final String rank = rank0.isPresent() ? "0" : "1";
        final double workerSteps = Scrape.value(worker, "descent_steps_total", "role", "worker", "rank", rank)
            .orElseThrow();
        assertTrue(workerSteps >= 1, "worker steps " + workerSteps);
        assertEquals(0.0, Scrape.value(worker, "descent_transport_late_messages_total", "role", "worker", "rank", rank)
            .orElseThrow());
    }

    private static double psSteps(final List<Scrape.Sample> scrape)
    {
        return Scrape.value(scrape, "descent_steps_total", "role", "ps").orElseThrow();
    }

    private NodeProcess worker(final String name, final Path job, final String seed) throws Exception
    {
        return new NodeProcess(dir, name, List.of("worker", "--config", job.toString(), "--join", seed));
    }

    private Path job(final String extra) throws Exception
    {
        final Path file = Files.createTempFile(dir, "job", ".conf");
        Files.writeString(file, JOB + extra + "\n");
        return file;
    }

}
