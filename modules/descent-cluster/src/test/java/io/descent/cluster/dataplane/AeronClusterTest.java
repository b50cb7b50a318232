package io.descent.cluster.dataplane;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.TestJob;
import io.descent.cluster.server.ClusterHarness;
import io.descent.cluster.server.JobResult;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parameter server and two workers in one JVM with the Aeron data plane over UDP loopback and over IPC. */
class AeronClusterTest
{
    private static final String JOB = "train { batch-size = 30, epochs = 2 }";

    private ActorTestKit testKit;
    private Path baseDir;
    private Transport transport;
    private final List<AeronDataPlane> planes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception
    {
        testKit = ActorTestKit.create();
        final Path shm = Path.of("/dev/shm");
        baseDir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "descent-cluster-test-") :
            Files.createTempDirectory("descent-cluster-test-");
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver { threading-mode = shared, term-length = 1m, ipc-term-length = 1m, receiver-window = 256k }"));
        transport = Transport.start(settings.withDriver(settings.driver().withBaseDir(baseDir)));
    }

    @AfterEach
    void stop()
    {
        testKit.shutdownTestKit();
        planes.forEach(AeronDataPlane::close);
        if (null != transport)
        {
            transport.close();
        }
        IoUtil.delete(baseDir.toFile(), true);
    }

    @Test
    void shouldTrainOverAeronLikeOverMemory() throws Exception
    {
        final TestJob job = TestJob.of(JOB);
        final JobResult aeron = new ClusterHarness(testKit, () -> newPlane("127.0.0.1:0", true),
            () -> newPlane("127.0.0.1:0", true))
            .server(job, TestJob.settings(2, ""), null).workers(job, TestJob.settings(2, ""), 2).observer.await(120);
        final long floats = aeron.finalWeights().length;
        assertEquals(2 * aeron.steps() * floats * Float.BYTES, aeron.server().bytesReceived());
        assertTrue(aeron.workers().stream().allMatch(w -> w.bytesSent() >= (aeron.steps() - 1) * floats * 4),
            "each worker pushed every gradient over Aeron");
        try (InMemoryNetwork network = new InMemoryNetwork())
        {
            final JobResult memory = ClusterHarness.run(testKit, () -> network.newPlane("m"), job,
                TestJob.settings(2, ""));
            assertArrayEquals(memory.finalWeights(), aeron.finalWeights(), "the data plane does not change the math");
        }
    }

    @Test
    void shouldTrainOverIpcLikeOverUdp() throws Exception
    {
        final TestJob job = TestJob.of(JOB);
        final JobResult ipc = new ClusterHarness(testKit, () -> newPlane(AeronDataPlane.IPC, true),
            () -> newPlane(AeronDataPlane.IPC, true)).server(job, TestJob.settings(2, ""), null)
            .workers(job, TestJob.settings(2, ""), 2).observer.await(120);
        assertTrue(planes.stream().allMatch(plane -> plane.endpoint().startsWith("ipc:")), "every plane on IPC");
        final JobResult udp = ClusterHarness.run(testKit, this::newPlane, job, TestJob.settings(2, ""));
        assertArrayEquals(udp.finalWeights(), ipc.finalWeights(), "the medium does not change the math");
        final long floats = ipc.finalWeights().length;
        assertEquals(2 * ipc.steps() * floats * Float.BYTES, ipc.server().bytesReceived());
    }

    private DataPlane newPlane()
    {
        return newPlane("127.0.0.1:0", false);
    }

    /** @param inline true for a plane polled by its node's compute thread, as {@code descent ps|worker} run it. */
    private DataPlane newPlane(final String bind, final boolean inline)
    {
        final AeronDataPlane plane = new AeronDataPlane(transport, bind, 7100, inline);
        planes.add(plane);
        return plane;
    }
}
