package io.descent.cluster.compute;

import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@link OutOfMemoryError} in a task fails the task, tells the node, and then reaches the thread's
 * uncaught-exception handler (in a node: the process's default one, which prints the one line naming the limit to
 * raise and exits).
 */
class ComputeThreadOutOfMemoryTest
{
    private final InMemoryNetwork network = new InMemoryNetwork();
    private final InMemoryDataPlane plane = network.newPlane("compute");
    private final CompletableFuture<Throwable> told = new CompletableFuture<>();
    private final CompletableFuture<Throwable> uncaught = new CompletableFuture<>();

    @AfterEach
    void stop()
    {
        network.close();
    }

    @Test
    void shouldHandAnOutOfMemoryErrorToTheUncaughtExceptionHandlerAfterFailingTheTask() throws Exception
    {
        final ComputeThread compute = new ComputeThread("oom-test-compute", plane, (what, cause) -> told.complete(cause));
        try
        {
            assertEquals(1, compute.submit(() -> 1).toCompletableFuture().get(10, TimeUnit.SECONDS), "running");
            threadNamed("oom-test-compute").setUncaughtExceptionHandler((thread, ex) -> uncaught.complete(ex));
            final OutOfMemoryError thrown = new OutOfMemoryError("Java heap space");
            final ExecutionException failed = assertThrows(ExecutionException.class, () -> compute.submit(() ->
            {
                throw thrown;
            }).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertSame(thrown, failed.getCause(), "the task fails with it");
            assertSame(thrown, told.get(10, TimeUnit.SECONDS), "the node is told");
            assertSame(thrown, uncaught.get(10, TimeUnit.SECONDS), "and the uncaught-exception handler gets it");
            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> compute.submit(() -> 2).toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof IllegalStateException, "the thread took no more work: " +
                refused.getCause());
        }
        finally
        {
            compute.close();
        }
    }

    private static Thread threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals(name))
            .findFirst().orElseThrow(() -> new AssertionError("no thread named " + name));
    }
}
