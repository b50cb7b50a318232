package io.descent.cluster.compute;

import io.descent.cluster.dataplane.DataPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * One dedicated daemon thread for ND4J work. INDArrays and their workspaces are not thread-safe, so every array of
 * a model and its optimizer is created and used on this one thread; actors submit tasks and receive the result as a
 * message ({@code context.pipeToSelf}), never blocking Akka's dispatcher. Tasks run one at a time in submission order.
 *
 * <p>Between tasks the thread waits in the node's {@link DataPlane#await}: a data plane polled inline (no thread of
 * its own) is polled here, so gradients and weights are received by the thread that will use them, and the process
 * has no other thread polling while it computes. A submitted task wakes the thread at once. The owner may give the
 * thread {@link #idleWork} to do while it waits (sends still in flight).
 *
 * <p>Failures: a task's exception completes its result. Anything thrown outside a task (an inline data-plane
 * callback while the thread waits between tasks) ends the thread, because the data plane's state is then unknown:
 * it is logged with the thread's name and what it was doing, the {@link FailureListener} is told once, and every
 * task still queued or submitted later fails with that cause. The thread never dies silently.
 *
 * <p>An {@link OutOfMemoryError}, in a task or outside one, also ends the thread: after completing the task with it
 * and telling the {@link FailureListener}, the thread rethrows it to its uncaught-exception handler (the process's
 * default one), which says in one line which memory limit to raise. A JVM short of memory cannot be trusted to go on.
 *
 * <p>{@link #submit} is thread-safe. Close it when the owning actor stops.
 */
public final class ComputeThread implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ComputeThread.class);
    private static final long IDLE_SLICE_NS = TimeUnit.SECONDS.toNanos(1);
    private static final String IDLE = "polling the data plane between tasks";
    private static final String TASK = "running tasks";

    /** Told when the compute thread ends on a failure. */
    @FunctionalInterface
    public interface FailureListener
    {
        /**
         * Called once, on the dying compute thread: keep it short (tell an actor).
         *
         * @param what  what the thread was doing, with its name, e.g. "polling the data plane between tasks on
         *              compute thread 'descent-worker-compute'".
         * @param cause what was thrown.
         */
        void onFailure(String what, Throwable cause);
    }

    private final Queue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    private final DataPlane plane;
    private final FailureListener onFailure;
    private final Thread thread;
    private volatile IntSupplier idleWork = DataPlane.NO_WORK;
    private volatile boolean closed;
    private volatile Throwable death;

    /**
     * @param name      the thread's name (shows in thread dumps and logs).
     * @param plane     the node's data plane, waited in (and polled, when inline) between tasks.
     * @param onFailure told when something thrown outside a task ends the thread.
     */
    public ComputeThread(final String name, final DataPlane plane, final FailureListener onFailure)
    {
        this.plane = plane;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param task work to run on the compute thread.
     * @param <T>  its result type.
     * @return completes with the task's result or its exception (also when the thread was already closed, or ended
     * on a failure: then with an {@link IllegalStateException} caused by it).
     */
    public <T> CompletionStage<T> submit(final Callable<T> task)
    {
        final Task<T> job = new Task<>(task);
        if (closed)
        {
            job.refuse(death);
            return job.result;
        }
        tasks.add(job);
        LockSupport.unpark(thread);
        // Closed meanwhile: the thread may have drained the queue already, so take the task back rather than leave it.
        if (closed && tasks.remove(job))
        {
            job.refuse(death);
        }
        return job.result;
    }

    /**
     * Runs {@code task} at once when called on this thread (a data-plane callback while it waits), else queues it
     * like {@link #submit}. The task handles its own failures: one it throws on this thread propagates to the
     * caller.
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

    /**
     * Sets the work the thread does between tasks, while it waits in the data plane: e.g. progressing sends to peers
     * that were back-pressured when the task that started them ended. Runs on this thread only, like a task; what it
     * throws ends the thread as an arrival callback's failure does.
     *
     * @param work one round of it, returning how much it did (0: nothing to do, the thread may idle). Thread-safe.
     */
    public void idleWork(final IntSupplier work)
    {
        this.idleWork = work;
        LockSupport.unpark(thread);
    }

    /** @return the failure that ended the thread, or null while it has not ended on one. */
    public Throwable failure()
    {
        return death;
    }

    private void run()
    {
        String doing = TASK;
        try
        {
            while (true)
            {
                final Task<?> task = tasks.poll();
                if (null != task)
                {
                    doing = TASK;
                    task.run();
                }
                else if (closed)
                {
                    return;
                }
                else
                {
                    doing = IDLE;
                    plane.await(() -> closed || !tasks.isEmpty(), idleWork, System.nanoTime() + IDLE_SLICE_NS);
                }
            }
        }
        catch (final Throwable ex)
        {
            die(doing, ex);
            if (ex instanceof OutOfMemoryError outOfMemory)
            {
                throw outOfMemory;
            }
        }
    }

    private void die(final String doing, final Throwable cause)
    {
        death = cause;
        closed = true;
        final String what = doing + " on compute thread '" + thread.getName() + "'";
        LOG.error("compute thread '{}' ended while {}: the node cannot go on", thread.getName(), doing, cause);
        for (Task<?> task = tasks.poll(); null != task; task = tasks.poll())
        {
            task.refuse(cause);
        }
        try
        {
            onFailure.onFailure(what, cause);
        }
        catch (final Throwable ex)
        {
            LOG.error("telling the node that its compute thread ended failed", ex);
        }
    }

    /** Stops accepting tasks; tasks already submitted still run, then the thread ends. */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** A submitted callable and its result. */
    private static final class Task<T>
    {
        private final Callable<T> callable;
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Task(final Callable<T> callable)
        {
            this.callable = callable;
        }

        void run()
        {
            try
            {
                result.complete(callable.call());
            }
            catch (final OutOfMemoryError ex)
            {
                result.completeExceptionally(ex);
                throw ex;
            }
            catch (final Throwable ex)
            {
                result.completeExceptionally(ex);
            }
        }

        void refuse(final Throwable death)
        {
            result.completeExceptionally(null == death ? new IllegalStateException("compute thread is closed") :
                new IllegalStateException("compute thread ended on a failure: " + death, death));
        }
    }
}
