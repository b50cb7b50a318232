package io.descent.cluster.dataplane;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wire of {@link InMemoryDataPlane}s in one JVM: a directory of planes by endpoint and a timer thread for
 * deadlines. For tests: create one per test and close it at the end. Thread-safe.
 */
public final class InMemoryNetwork implements AutoCloseable
{
    private final Map<String, InMemoryDataPlane> planes = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task ->
    {
        final Thread thread = new Thread(task, "descent-inmemory-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param name a readable prefix for the endpoint.
     * @return a new data plane on this network with a unique endpoint.
     */
    public InMemoryDataPlane newPlane(final String name)
    {
        final String endpoint = "mem:" + name + "-" + next.incrementAndGet();
        final InMemoryDataPlane plane = new InMemoryDataPlane(this, endpoint);
        planes.put(endpoint, plane);
        return plane;
    }

    InMemoryDataPlane lookup(final String endpoint)
    {
        return planes.get(endpoint);
    }

    void remove(final String endpoint)
    {
        planes.remove(endpoint);
    }

    ScheduledFuture<?> schedule(final Runnable task, final long deadlineNs)
    {
        return timer.schedule(task, Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close()
    {
        planes.values().forEach(InMemoryDataPlane::close);
        timer.shutdownNow();
    }
}
