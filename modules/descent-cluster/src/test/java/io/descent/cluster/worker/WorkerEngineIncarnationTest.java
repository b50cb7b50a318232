package io.descent.cluster.worker;

import com.typesafe.config.ConfigFactory;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.AeronDataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.StepOrder;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.wire.MessageKind;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's engine after its parameter server was restarted: the data plane's job id carries the server's
 * incarnation, so weights of the earlier incarnation (in flight when it died) are rejected as an unknown job and
 * never start a step, and expectations left open for the earlier incarnation end without failing the new one. Over
 * the Aeron data plane (IPC), polled inline as {@code descent worker} runs it.
 */
class WorkerEngineIncarnationTest
{
    private static final long OLD = 0x1111_2222_3333_4444L;
    private static final long NEW = 0x5555_6666_7777_8888L;
    private static final long SLICE_NS = Duration.ofMillis(300).toNanos();

    private final TestJob job = TestJob.of("");
    private Path baseDir;
    private Transport transport;
    private AeronDataPlane workerPlane;
    private AeronDataPlane serverPlane;
    private WorkerEngine engine;
    private Outlet toWorker;

    @BeforeEach
    void start() throws Exception
    {
        baseDir = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
            Path.of(System.getProperty("java.io.tmpdir")), "descent-incarnation-test-");
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver { threading-mode = shared, term-length = 1m, ipc-term-length = 1m, " +
                "receiver-window = 256k }"));
        transport = Transport.start(settings.withDriver(settings.driver().withBaseDir(baseDir)));
        workerPlane = new AeronDataPlane(transport, AeronDataPlane.IPC, 7100, true);
        serverPlane = new AeronDataPlane(transport, AeronDataPlane.IPC, 7100, true);
        engine = new WorkerEngine(job.worker(TestJob.settings(1, ""), workerPlane), WorkerObserver.NONE);
        toWorker = serverPlane.outlet(workerPlane.endpoint());
    }

    @AfterEach
    void stop()
    {
        engine.close();
        toWorker.close();
        workerPlane.close();
        serverPlane.close();
        transport.close();
        IoUtil.delete(baseDir.toFile(), true);
    }

    @Test
    void shouldBindTheJobIdToTheIncarnationAndIgnoreItAtRegistration()
    {
        final JobIdentity registering = job.identity();
        assertEquals(registering.configDigest(), registering.jobId(), "no incarnation: the digest alone");
        assertNotEquals(registering.withIncarnation(OLD).jobId(), registering.withIncarnation(NEW).jobId());
        assertNull(registering.withIncarnation(NEW).mismatch(registering), "registration ignores the incarnation");
        assertNotEquals(JobIdentity.NO_INCARNATION, JobIdentity.newIncarnation());
    }

    @Test
    void shouldRejectTheWeightsOfAnEarlierIncarnationOfTheServer()
    {
        engine.join(0, 1, serverPlane.endpoint(), NEW);
        engine.expectStep(0, System.nanoTime() + Duration.ofSeconds(60).toNanos());

        sendStep(OLD);
        assertInstanceOf(WorkerEngine.Waiting.class, engine.run(0, engine.totalSteps(), SLICE_NS),
            "the old incarnation's weights start no step");
        assertTrue(workerPlane.stats().rejectedUnknownJob() >= 2, "weights and order rejected as another job: " +
            workerPlane.stats());

        sendStep(NEW);
        final WorkerEngine.Pushed pushed = assertInstanceOf(WorkerEngine.Pushed.class,
            engine.run(0, engine.totalSteps(), SLICE_NS));
        assertEquals(0, pushed.step());
        assertTrue(pushed.result().isSent(), pushed.result().toString());
    }

    @Test
    void shouldCancelWhatTheOldIncarnationWasExpectedToSendWhenJoiningTheNewOne()
    {
        engine.join(0, 1, serverPlane.endpoint(), OLD);
        engine.expectStep(0, System.nanoTime() + Duration.ofMillis(50).toNanos());
        // The server is lost and restarted: joining the new incarnation cancels the old expectations (weights, order).
        engine.join(0, 1, serverPlane.endpoint(), NEW);
        engine.expectStep(0, System.nanoTime() + Duration.ofSeconds(60).toNanos());
        // Left open, they would end incomplete at their 50 ms deadline (counted); cancelled, they never end.
        assertFalse(workerPlane.await(() -> workerPlane.stats().incompleteMessages() > 0,
            System.nanoTime() + Duration.ofSeconds(1).toNanos()), "the old expectations were cancelled: " +
            workerPlane.stats());

        sendStep(OLD);
        assertInstanceOf(WorkerEngine.Waiting.class, engine.run(0, engine.totalSteps(), SLICE_NS),
            "nothing of the old incarnation reaches the worker's buffers");
        sendStep(NEW);
        final WorkerEngine.Pushed pushed = assertInstanceOf(WorkerEngine.Pushed.class,
            engine.run(0, engine.totalSteps(), SLICE_NS), "a missed step of the old incarnation is not this one's");
        assertEquals(0, pushed.step());
    }

    /** Sends weights version 0 and its order (shard 0) as the server of {@code incarnation} would. */
    private void sendStep(final long incarnation)
    {
        final JobIdentity server = job.identity().withIncarnation(incarnation);
        final int floats = Math.toIntExact(io.descent.nn.Model.create(job.spec, job.job.seed()).parameterCount());
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        for (int i = 0; i < floats; i++)
        {
            weights.putFloat(i * Float.BYTES, 0.01f * (i % 7));
        }
        final int words = StepOrder.ints(1);
        final UnsafeBuffer order = new UnsafeBuffer(ByteBuffer.allocateDirect(words * Integer.BYTES));
        new StepOrder(0, 0, 0, new int[]{ 0 }).encode(order);
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        assertTrue(toWorker.send(server.messageId(MessageKind.WEIGHTS, 0, SenderId.SERVER, floats), weights, deadline)
            .isSent());
        assertTrue(toWorker.send(server.messageId(MessageKind.STEP_ORDER, 0, SenderId.SERVER, words), order, deadline)
            .isSent());
    }
}
