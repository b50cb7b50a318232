package io.descent.cluster.worker;

import com.typesafe.config.Config;
import io.descent.cluster.node.NodeRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Runs a worker on a node until its job is over for it. A parameter server that goes away without ending the job is
 * a pause: the worker's actor system is replaced by a fresh one that joins the seed again (a restarted server forms a
 * new cluster), and a new {@link Worker} actor with the same {@link WorkerState} (model, data, rank) registers with
 * the restarted server, which resumes from its newest checkpoint. Bounded by
 * {@code descent.cluster.server-lost-timeout}, counted from the loss. Runs on the caller's thread (blocking).
 */
public final class WorkerNode
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerNode.class);

    private WorkerNode()
    {
    }

    /**
     * Starts the node's actors as a worker and waits until the job is over for it.
     *
     * @param runtime  the node (data plane started, no actor system yet); the caller closes it.
     * @param bind     {@code host:port} of this node's Artery TCP.
     * @param seed     {@code host:port} of the parameter server.
     * @param root     the configuration.
     * @param setup    the job, data, model, settings and data plane.
     * @param observer told of the rank and every step.
     * @return how the worker ended: never {@link WorkerOutcome.Status#SERVER_LOST} (a server that stays lost beyond
     * the timeout is {@link WorkerOutcome.Status#FAILED}).
     * @throws InterruptedException when interrupted while waiting.
     * @throws ExecutionException   never in practice: outcomes complete normally.
     */
    public static WorkerOutcome run(
        final NodeRuntime runtime, final String bind, final String seed, final Config root, final WorkerSetup setup,
        final WorkerObserver observer) throws InterruptedException, ExecutionException
    {
        try (WorkerState state = new WorkerState(setup))
        {
            CompletableFuture<WorkerOutcome> outcome = new CompletableFuture<>();
            runtime.startActors("worker", bind, seed, root, Worker.create(setup, outcome, observer, state));
            WorkerOutcome result = await(outcome, runtime);
            final Duration timeout = setup.settings().serverLostTimeout();
            while (result.status() == WorkerOutcome.Status.SERVER_LOST)
            {
                observer.onServerLost(result.message());
                final Duration left = state.leftToFindServer(timeout, System.nanoTime());
                LOG.info("worker rank {}: joining the seed {} again with a fresh actor system ({} s left of " +
                    "descent.cluster.server-lost-timeout)", result.rank(), seed, left.toSeconds());
                outcome = new CompletableFuture<>();
                if (!runtime.restartActors(Worker.create(setup, outcome, observer, state), left))
                {
                    final String reason = "the parameter server at " + seed + " did not come back within " +
                        "descent.cluster.server-lost-timeout = " + timeout.toSeconds() + " s after worker rank " +
                        result.rank() + " lost it (" + result.message() + "); giving up";
                    LOG.error(reason);
                    return new WorkerOutcome(WorkerOutcome.Status.FAILED, result.rank(), reason);
                }
                result = await(outcome, runtime);
            }
            return result;
        }
    }

    /**
     * @return the worker actor's outcome, or {@link WorkerOutcome.Status#NOT_FOUND} as soon as the control plane's
     * mutual-TLS handshakes were refused for good (another CA, a peer without TLS): registering cannot succeed then.
     */
    private static WorkerOutcome await(final CompletableFuture<WorkerOutcome> outcome, final NodeRuntime runtime)
        throws InterruptedException, ExecutionException
    {
        final CompletableFuture<WorkerOutcome> refused = runtime.controlPlaneRefused().toCompletableFuture()
            .thenApply(reason -> new WorkerOutcome(WorkerOutcome.Status.NOT_FOUND, -1, reason));
        return (WorkerOutcome)CompletableFuture.anyOf(outcome, refused).get();
    }
}
