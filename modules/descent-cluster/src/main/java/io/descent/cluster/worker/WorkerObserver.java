package io.descent.cluster.worker;

import org.agrona.DirectBuffer;

/**
 * Told what a worker does: {@link #onAccepted} on the worker actor's thread, {@link #onWeights} and {@link #onStep}
 * on its compute thread, between steps, {@link #onServerLost} on the thread running {@link WorkerNode}. Keep each call short and thread-safe
 * (set a gauge, print a line). Every method has an empty default.
 */
public interface WorkerObserver
{
    /** Observes nothing. */
    WorkerObserver NONE = new WorkerObserver()
    {
    };

    /** The parameter server accepted this worker as {@code rank} of {@code workers}. */
    default void onAccepted(final int rank, final int workers)
    {
    }

    /**
     * The data plane authenticates chunks with {@code auth} ({@code ChunkAuth.label()}) from the acceptance on: a
     * worker set to {@code auto} takes the server's MAC, which may not be the one its own runtime would pick.
     */
    default void onDataPlane(final String auth)
    {
    }

    /**
     * The parameter server went away without ending the job: the worker keeps its process and waits for a restarted
     * server, up to {@code descent.cluster.server-lost-timeout}, making no steps meanwhile; {@link #onAccepted} follows
     * when one takes it back (else the worker ends FAILED).
     *
     * @param reason how the server was lost.
     */
    default void onServerLost(final String reason)
    {
    }

    /**
     * Weights {@code version} are in the parameters, about to be computed on (compute thread): the float32 parameter
     * vector, read only during the call (tests compare it with the server's, see the server's
     * {@code JobObserver.onWeightsPublished}).
     */
    default void onWeights(final long version, final DirectBuffer parameters)
    {
    }

    /**
     * A step's gradient was pushed.
     *
     * @param step          the step.
     * @param seconds       wall time since the previous push (or since the first weights were awaited).
     * @param waitSeconds   part of it spent waiting for the weights and order.
     * @param examples      examples of the step's batch.
     * @param bytesReceived data-plane bytes received for the step (weights and order).
     * @param bytesSent     data-plane bytes sent for the step (gradient and report).
     */
    default void onStep(
        final long step, final double seconds, final double waitSeconds, final long examples, final long bytesReceived,
        final long bytesSent)
    {
    }
}
