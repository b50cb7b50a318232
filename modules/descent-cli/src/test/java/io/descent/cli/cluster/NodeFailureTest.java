package io.descent.cli.cluster;

import com.typesafe.config.ConfigFactory;
import io.descent.cluster.dataplane.AeronDataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.metrics.Scrape;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.StepOrder;
import io.descent.nn.Model;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.JobSource;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real worker JVM, its data plane reached from this JVM as a misbehaving peer would: chunks of another job and
 * another model are counted on its {@code /metrics}; a malformed step order makes the callback on its compute thread
 * throw, and the node fails visibly (503, then exit 1, the context in its log) instead of waiting for weights forever.
 */
@Tag("slow")
class NodeFailureTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, synthetic { kind = teacher, samples = 600, test-samples = 100, features = 8, " +
        "classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 30, epochs = 1 }\n";
    private static final String[] WORKER_0 = { "role", "worker", "rank", "0" };

    @TempDir
    Path dir;

    @Test
    void shouldCountForeignChunksAndFailTheWorkerOnAMalformedStepOrder() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final String seed = "127.0.0.1:" + freeTcpPort();
        final String aeron = "127.0.0.1:" + freeUdpPort();
        final int metrics = freeTcpPort();
        final Path base = Files.createTempDirectory(Path.of("/dev/shm"), "descent-failure-test-");
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "2", "--cluster", "registration-timeout=300s"));
             NodeProcess worker = new NodeProcess(dir, "w", List.of("worker", "--config", job.toString(), "--join",
                 seed, "--aeron", aeron, "--metrics-port", Integer.toString(metrics)));
             Transport transport = Transport.start(settings(base));
             AeronDataPlane peer = new AeronDataPlane(transport, "127.0.0.1:0", 7100, false);
             Outlet toWorker = peer.outlet(aeron))
        {
            await(() -> log(worker).contains("accepted as worker rank 0 of 2"), worker);
            assertEquals(200, Scrape.get(metrics, "/health").statusCode());
            // The worker's data plane expects this start of the server: its incarnation is in the job id.
            final Matcher incarnation = Pattern.compile("server incarnation ([0-9a-f]{16})").matcher(log(worker));
            assertTrue(incarnation.find(), log(worker));
            final JobIdentity identity = identity(job).withIncarnation(Long.parseUnsignedLong(incarnation.group(1),
                16));
            final MessageId order = identity.messageId(MessageKind.STEP_ORDER, 0, SenderId.SERVER, StepOrder.ints(2));

            send(toWorker, new MessageId(order.jobId() + 1, order.fingerprint(), order.kind(), 0, SenderId.SERVER, 0,
                order.floatLength()));
            send(toWorker, new MessageId(order.jobId(), order.fingerprint() + 1, order.kind(), 0, SenderId.SERVER, 0,
                order.floatLength()));
            await(() -> rejected(metrics, "unknown_job") >= 1 && rejected(metrics, "fingerprint") >= 1, worker);

            // The order names 0 shards. It is sent until the worker goes down: it may not have armed for it yet (a
            // chunk before that is unexpected), and once it is going down its data plane is gone.
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (worker.process.isAlive() && System.nanoTime() - deadline < 0)
            {
                toWorker.send(order, malformed(order), System.nanoTime() + 1_000_000_000L);
                worker.process.waitFor(200, TimeUnit.MILLISECONDS);
            }
            assertEquals(1, worker.awaitExit(Duration.ofSeconds(60)), worker.stderr());
            assertTrue(worker.stderr().contains("descent: internal failure") &&
                worker.stderr().contains("step order 0 names 0 shards"), worker.stderr());
            final String log = log(worker);
            assertTrue(log.contains("the data-plane callback for " + order + " (complete) threw: " +
                "java.lang.IllegalArgumentException: step order 0 names 0 shards"), log);
            assertTrue(log.contains("worker rank 0 failed while"), log);
            final int unhealthy = log.indexOf("/health now answers 503: ");
            assertTrue(unhealthy >= 0 && unhealthy < log.indexOf("descent worker failed"), "503 before the exit: " + log);
        }
        finally
        {
            IoUtil.delete(base.toFile(), true);
        }
    }

    private static JobIdentity identity(final Path file)
    {
        final JobConfig job = JobConfig.from(JobSource.build(null, file, List.of(), null));
        return JobIdentity.of(Model.create(JobData.load(job, 1).spec(), job.seed()).fingerprint(), job.raw());
    }

    private static void send(final Outlet outlet, final MessageId id)
    {
        assertEquals(SendResult.SENT, outlet.send(id, malformed(id), System.nanoTime() + 10_000_000_000L));
    }

    /** @return a step order of {@code id}'s length that names 0 shards. */
    private static UnsafeBuffer malformed(final MessageId id)
    {
        final UnsafeBuffer order = new UnsafeBuffer(new byte[id.byteLength()]);
        order.putInt(2 * Integer.BYTES, 0, ByteOrder.LITTLE_ENDIAN);
        return order;
    }

    private static double rejected(final int port, final String reason)
    {
        try
        {
            return Scrape.value(Scrape.metrics(port), "descent_transport_rejected_chunks_total", WORKER_0[0],
                WORKER_0[1], WORKER_0[2], WORKER_0[3], "reason", reason).orElse(0.0);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("scraping the worker's /metrics on port " + port, ex);
        }
    }

    private static void await(final BooleanSupplier condition, final NodeProcess node) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0 || !node.process.isAlive())
            {
                throw new AssertionError("condition not met within 120 s (alive: " + node.process.isAlive() +
                    "):\n" + node.stdout() + "\nstderr:\n" + node.stderr());
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** @return the node's log so far: on stderr, where the tests' logging configuration sends it. */
    private static String log(final NodeProcess node)
    {
        try
        {
            return node.stderr();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static TransportSettings settings(final Path base)
    {
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver { threading-mode = shared, term-length = 1m, ipc-term-length = 1m, receiver-window = 256k }"));
        return settings.withDriver(settings.driver().withBaseDir(base));
    }

    private static int freeTcpPort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
