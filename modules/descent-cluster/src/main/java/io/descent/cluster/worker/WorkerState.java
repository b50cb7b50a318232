package io.descent.cluster.worker;

import io.descent.cluster.compute.ComputeThread;

import java.time.Duration;

/**
 * What a worker keeps when it loses its parameter server, from one actor system to the next: its compute thread,
 * its engine (model, batches, outlet) once built, the rank it had, and since when it has been without a server. A
 * {@link Worker} actor borrows it; the caller that made it closes it ({@link WorkerNode}), or the actor does, when it
 * made it itself.
 *
 * <p>Thread-safety: {@link #rank()}, {@link #lost} and the deadline methods are called by one actor at a time (a new
 * actor only starts after the previous one stopped); the engine is used on the compute thread only.
 */
public final class WorkerState implements AutoCloseable
{
    private final ComputeThread compute;
    private volatile ComputeThread.FailureListener onFailure = (what, cause) ->
    {
    };
    private volatile WorkerEngine engine;
    private volatile int rank = -1;
    private volatile long lostSinceNs;
    private volatile boolean lost;

    /** @param setup the worker's setup (its data plane is waited in between tasks). */
    public WorkerState(final WorkerSetup setup)
    {
        this.compute = new ComputeThread("descent-worker-compute", setup.plane(),
            (what, cause) -> onFailure.onFailure(what, cause));
    }

    ComputeThread compute()
    {
        return compute;
    }

    /** Routes a failure of the compute thread to the actor that borrows this state now. */
    void onComputeFailure(final ComputeThread.FailureListener listener)
    {
        onFailure = listener;
    }

    /** @return the engine, or null until the first actor built it. */
    WorkerEngine engine()
    {
        return engine;
    }

    void engine(final WorkerEngine built)
    {
        engine = built;
    }

    /** @return the rank the server last accepted this worker as, or -1. */
    int rank()
    {
        return rank;
    }

    /** The server accepted this worker as {@code newRank}: it is no longer lost. */
    void accepted(final int newRank)
    {
        rank = newRank;
        lost = false;
    }

    /** @return true when the worker lost its server and no server has accepted it since. */
    public boolean lost()
    {
        return lost;
    }

    /** The server went away without finishing the job, at {@code nowNs} (the first loss counts until accepted). */
    void lost(final long nowNs)
    {
        if (!lost)
        {
            lost = true;
            lostSinceNs = nowNs;
        }
    }

    /**
     * @param timeout  descent.cluster.server-lost-timeout.
     * @param nowNs    {@link System#nanoTime()} now.
     * @return how much of {@code timeout} is left since the server was lost (zero or more).
     */
    public Duration leftToFindServer(final Duration timeout, final long nowNs)
    {
        final long left = timeout.toNanos() - (nowNs - lostSinceNs);
        return Duration.ofNanos(Math.max(0, left));
    }

    /** Stops the engine's current wait, closes its outlet and the compute thread. Idempotent. */
    @Override
    public void close()
    {
        final WorkerEngine closing = engine;
        if (null != closing)
        {
            closing.stop();
            compute.submit(() ->
            {
                closing.close();
                return null;
            });
        }
        compute.close();
    }
}
