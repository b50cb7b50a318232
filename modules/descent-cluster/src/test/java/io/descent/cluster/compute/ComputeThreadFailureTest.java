package io.descent.cluster.compute;

import com.typesafe.config.ConfigFactory;
import io.descent.cluster.dataplane.AeronDataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data-plane callback that throws on the compute thread, with a real inline Aeron data plane (polled by the compute
 * thread itself): between tasks it ends the thread loudly, never silently; inside a task it fails that task. (Aeron
 * itself would only log it, and the message would be lost.)
 */
class ComputeThreadFailureTest
{
    private static final int FLOATS = 64;

    private Path baseDir;
    private Transport transport;
    private AeronDataPlane plane;
    private Outlet outlet;
    private ComputeThread compute;
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    private Throwable failureCause;

    @BeforeEach
    void start() throws Exception
    {
        final Path shm = Path.of("/dev/shm");
        baseDir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "descent-compute-test-") :
            Files.createTempDirectory("descent-compute-test-");
        final TransportSettings settings = TransportSettings.from(ConfigFactory.parseString(
            "descent.transport.driver { threading-mode = shared, ipc-term-length = 1m }"));
        transport = Transport.start(settings.withDriver(settings.driver().withBaseDir(baseDir)));
        plane = new AeronDataPlane(transport, AeronDataPlane.IPC, 7100, true);
        outlet = plane.outlet(plane.endpoint());
        compute = new ComputeThread("test-compute", plane, (what, cause) ->
        {
            failureCause = cause;
            failure.complete(what);
        });
    }

    @AfterEach
    void stop()
    {
        compute.close();
        outlet.close();
        plane.close();
        transport.close();
        IoUtil.delete(baseDir.toFile(), true);
    }

    @Test
    void shouldEndTheThreadLoudlyWhenACallbackThrowsWhileItWaitsBetweenTasks() throws Exception
    {
        assertEquals(1, compute.submit(() -> 1).toCompletableFuture().get(10, TimeUnit.SECONDS), "idle from now on");
        final IllegalArgumentException thrown = new IllegalArgumentException("step order 0 names 0 shards");
        final MessageId order = id(0);
        plane.expect(order, new UnsafeBuffer(new byte[order.byteLength()]), deadline(), (id, complete) ->
        {
            throw thrown;
        });
        assertEquals(SendResult.SENT, outlet.send(order, new UnsafeBuffer(new byte[order.byteLength()]), deadline()));

        assertEquals("polling the data plane between tasks on compute thread 'test-compute'",
            failure.get(10, TimeUnit.SECONDS));
        assertSame(thrown, failureCause.getCause(), "the plane names the message: " + failureCause.getMessage());
        assertTrue(failureCause.getMessage().startsWith("the data-plane callback for " + order), failureCause::getMessage);
        assertSame(failureCause, compute.failure());
        final ExecutionException refused = assertThrows(ExecutionException.class,
            () -> compute.submit(() -> 2).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(IllegalStateException.class, refused.getCause().getClass());
        assertSame(failureCause, refused.getCause().getCause(), "a later task fails with the cause, never hangs");
    }

    @Test
    void shouldFailATaskWaitingInThePlaneWhenACallbackThrowsAndThenEndTheThread() throws Exception
    {
        final IllegalStateException thrown = new IllegalStateException("a bad gradient report");
        final MessageId meta = id(1);
        plane.expect(meta, new UnsafeBuffer(new byte[meta.byteLength()]), deadline(), (id, complete) ->
        {
            throw thrown;
        });
        final CompletableFuture<Boolean> waiting = compute.submit(() ->
            plane.await(() -> false, deadline())).toCompletableFuture();
        assertEquals(SendResult.SENT, outlet.send(meta, new UnsafeBuffer(new byte[meta.byteLength()]), deadline()));

        final ExecutionException failed = assertThrows(ExecutionException.class,
            () -> waiting.get(10, TimeUnit.SECONDS));
        assertSame(thrown, failed.getCause().getCause(), "the task's owner hears of it");
        assertEquals("polling the data plane between tasks on compute thread 'test-compute'",
            failure.get(10, TimeUnit.SECONDS), "the plane lost a message: the thread does not go on either");
        assertSame(failed.getCause(), failureCause);
    }

    private static MessageId id(final long step)
    {
        return new MessageId(11L, 22L, MessageKind.STEP_ORDER, step, 0, 0, FLOATS);
    }

    private static long deadline()
    {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    }
}
