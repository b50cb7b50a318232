package io.descent.cluster.compute;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * One dedicated daemon thread for ND4J work. INDArrays and their workspaces are not thread-safe, so every array of
 * a model and its optimizer is created and used on this one thread; actors submit tasks and receive the result as a
 * message ({@code context.pipeToSelf}), never blocking Akka's dispatcher. Tasks run one at a time in submission order.
 *
 * <p>{@link #submit} is thread-safe. Close it when the owning actor stops.
 */
public final class ComputeThread implements AutoCloseable
{
    private final ExecutorService executor;

    /** @param name the thread's name (shows in thread dumps and logs). */
    public ComputeThread(final String name)
    {
        this.executor = Executors.newSingleThreadExecutor(task ->
        {
            final Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param task work to run on the compute thread.
     * @param <T>  its result type.
     * @return completes with the task's result or its exception (also when the thread was already closed).
     */
    public <T> CompletionStage<T> submit(final Callable<T> task)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        try
        {
            executor.execute(() ->
            {
                try
                {
                    result.complete(task.call());
                }
                catch (final Throwable ex)
                {
                    result.completeExceptionally(ex);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            result.completeExceptionally(new IllegalStateException("compute thread is closed", ex));
        }
        return result;
    }

    /** Stops accepting tasks; tasks already submitted still run, then the thread ends. */
    @Override
    public void close()
    {
        executor.shutdown();
    }
}
