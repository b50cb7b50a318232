package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link Worker} whose compute thread holds after its first step until {@link #release()}d: stopping its
 * actor meanwhile makes a worker that dies in the middle of a job, at a known step. Thread-safe.
 */
final class HeldWorker implements WorkerObserver
{
    /** Completed with the worker's rank when the server accepts it. */
    final CompletableFuture<Integer> accepted = new CompletableFuture<>();
    /** Completed with the step after which the compute thread holds (its first). */
    final CompletableFuture<Long> held = new CompletableFuture<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /** Spawns the worker in {@code testKit}. */
    ActorRef<Worker.Command> spawn(
        final ActorTestKit testKit, final TestJob job, final ClusterSettings settings, final DataPlane plane)
    {
        return testKit.spawn(Worker.create(job.worker(settings, plane), new CompletableFuture<>(), this));
    }

    /** Lets the compute thread go on. */
    void release()
    {
        release.countDown();
    }

    @Override
    public void onAccepted(final int rank, final int workers)
    {
        accepted.complete(rank);
    }

    @Override
    public void onStep(
        final long step, final double seconds, final double waitSeconds, final long examples, final long bytesReceived,
        final long bytesSent)
    {
        if (held.complete(step))
        {
            try
            {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
