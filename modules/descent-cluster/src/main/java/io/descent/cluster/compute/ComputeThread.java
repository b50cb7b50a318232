package io.descent.cluster.compute;

import io.descent.cluster.dataplane.DataPlane;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One dedicated daemon thread for ND4J work. INDArrays and their workspaces are not thread-safe, so every array of
 * a model and its optimizer is created and used on this one thread; actors submit tasks and receive the result as a
 * message ({@code context.pipeToSelf}), never blocking Akka's dispatcher. Tasks run one at a time in submission order.
 *
 * <p>Between tasks the thread waits in the node's {@link DataPlane#await}: a data plane polled inline (no thread of
 * its own) is polled here, so gradients and weights are received by the thread that will use them, and the process
 * has no other thread polling while it computes. A submitted task wakes the thread at once.
 *
 * <p>{@link #submit} is thread-safe. Close it when the owning actor stops.
 */
public final class ComputeThread implements AutoCloseable
{
    private static final long IDLE_SLICE_NS = TimeUnit.SECONDS.toNanos(1);

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final DataPlane plane;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param name  the thread's name (shows in thread dumps and logs).
     * @param plane the node's data plane, waited in (and polled, when inline) between tasks.
     */
    public ComputeThread(final String name, final DataPlane plane)
    {
        this.plane = plane;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param task work to run on the compute thread.
     * @param <T>  its result type.
     * @return completes with the task's result or its exception (also when the thread was already closed).
     */
    public <T> CompletionStage<T> submit(final Callable<T> task)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        if (closed)
        {
            result.completeExceptionally(new IllegalStateException("compute thread is closed"));
            return result;
        }
        final Runnable job = () ->
        {
            try
            {
                result.complete(task.call());
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        };
        tasks.add(job);
        LockSupport.unpark(thread);
        if (closed && !thread.isAlive() && tasks.remove(job))
        {
            result.completeExceptionally(new IllegalStateException("compute thread is closed"));
        }
        return result;
    }

    /**
     * Runs {@code task} at once when called on this thread (a data-plane callback while it waits), else queues it
     * like {@link #submit}. The task handles its own failures.
     */
    public void execute(final Runnable task)
    {
        if (Thread.currentThread() == thread)
        {
            task.run();
        }
        else
        {
            submit(() ->
            {
                task.run();
                return null;
            });
        }
    }

    private void run()
    {
        while (true)
        {
            final Runnable task = tasks.poll();
            if (null != task)
            {
                task.run();
            }
            else if (closed)
            {
                return;
            }
            else
            {
                plane.await(() -> closed || !tasks.isEmpty(), System.nanoTime() + IDLE_SLICE_NS);
            }
        }
    }

    /** Stops accepting tasks; tasks already submitted still run, then the thread ends. */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
    }
}
