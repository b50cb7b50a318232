package io.descent.cluster.compute;

import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Tasks run one at a time on the one thread; {@code execute} runs at once there and queues from elsewhere. */
class ComputeThreadTest
{
    private final InMemoryNetwork network = new InMemoryNetwork();
    private final InMemoryDataPlane plane = network.newPlane("compute");
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ComputeThread compute = new ComputeThread("test-compute", plane, (what, cause) -> failures.add(cause));

    @AfterEach
    void stop()
    {
        compute.close();
        network.close();
        assertEquals(List.of(), failures, "no failure ended the thread");
    }

    @Test
    void shouldRunExecutedWorkOnTheComputeThreadAndAtOnceWhenAlreadyThere() throws Exception
    {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> outside = new CompletableFuture<>();
        compute.execute(() -> outside.complete(Thread.currentThread().getName()));
        assertEquals("test-compute", outside.get(10, TimeUnit.SECONDS), "queued from the test thread");
        compute.submit(() ->
        {
            compute.execute(() -> seen.add("executed"));
            seen.add("after it, in the same task");
            return null;
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("executed", "after it, in the same task"), seen);
    }

    @Test
    void shouldFinishSubmittedTasksOnCloseAndRefuseLaterOnes() throws Exception
    {
        final CompletableFuture<Integer> first = compute.submit(() -> 1).toCompletableFuture();
        compute.close();
        assertEquals(1, first.get(10, TimeUnit.SECONDS));
        final CompletableFuture<Integer> late = compute.submit(() -> 2).toCompletableFuture();
        final ExecutionException refused = assertThrows(ExecutionException.class,
            () -> late.get(10, TimeUnit.SECONDS));
        assertEquals(IllegalStateException.class, refused.getCause().getClass());
    }

    @Test
    void shouldCompleteAFailingTaskWithItsExceptionAndGoOn() throws Exception
    {
        final ExecutionException failed = assertThrows(ExecutionException.class, () -> compute.submit(() ->
        {
            throw new ArithmeticException("not a number");
        }).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(ArithmeticException.class, failed.getCause().getClass());
        assertEquals(2, compute.submit(() -> 2).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
}
