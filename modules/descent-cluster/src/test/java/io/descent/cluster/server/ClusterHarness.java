package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Spawns a parameter server and workers of a {@link TestJob} in one ActorTestKit, each with its own data plane. */
public final class ClusterHarness
{
    private final ActorTestKit testKit;
    private final Supplier<DataPlane> planes;
    private final Supplier<DataPlane> workerPlanes;
    public final RecordingObserver observer = new RecordingObserver();
    public final List<CompletableFuture<WorkerOutcome>> workers = new ArrayList<>();

    /**
     * @param testKit the test kit.
     * @param planes  makes a new data plane per node.
     */
    public ClusterHarness(final ActorTestKit testKit, final Supplier<DataPlane> planes)
    {
        this(testKit, planes, planes);
    }

    /**
     * @param testKit      the test kit.
     * @param planes       makes the server's data plane.
     * @param workerPlanes makes a new data plane per worker (e.g. polled inline, as in production).
     */
    public ClusterHarness(
        final ActorTestKit testKit, final Supplier<DataPlane> planes, final Supplier<DataPlane> workerPlanes)
    {
        this.testKit = testKit;
        this.planes = planes;
        this.workerPlanes = workerPlanes;
    }

    /** Spawns the server. */
    public ClusterHarness server(final TestJob job, final ClusterSettings settings, final Path resume)
    {
        testKit.spawn(ParameterServer.create(job.server(settings, planes.get(), resume), observer));
        return this;
    }

    /**
     * Spawns parameter-server shard {@code shard} (≥ 1) of {@code settings.servers()}, which finds the server
     * ({@link #server}) as its coordinator.
     *
     * @return completed with the shard's last line when its part ends ("ok: ..." when the job completed).
     */
    public CompletableFuture<String> shard(final TestJob job, final ClusterSettings settings, final int shard)
    {
        return shard(job, settings, shard, (success, badInput, message) -> { });
    }

    /**
     * As {@link #shard(TestJob, ClusterSettings, int)}, telling {@code steps} of each step the shard closes (its
     * {@link ShardServer.Observer#onStep}; its {@code onEnded} is not called).
     */
    public CompletableFuture<String> shard(
        final TestJob job, final ClusterSettings settings, final int shard, final ShardServer.Observer steps)
    {
        final CompletableFuture<String> ended = new CompletableFuture<>();
        testKit.spawn(ShardServer.create(job.server(settings, planes.get(), null), shard, new ShardServer.Observer()
        {
            @Override
            public void onEnded(final boolean success, final boolean badInput, final String message)
            {
                ended.complete((success ? "ok: " : "failed: ") + message);
            }

            @Override
            public void onStep(final long step, final long lateGradients, final long closedEarly,
                final Staleness staleness)
            {
                steps.onStep(step, lateGradients, closedEarly, staleness);
            }
        }));
        return ended;
    }

    /** Spawns {@code count} workers of {@code job}. */
    public ClusterHarness workers(final TestJob job, final ClusterSettings settings, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final CompletableFuture<WorkerOutcome> outcome = new CompletableFuture<>();
            testKit.spawn(Worker.create(job.worker(settings, workerPlanes.get()), outcome));
            workers.add(outcome);
        }
        return this;
    }

    /** Runs a whole job: server plus {@code count} workers; returns the result. */
    public static JobResult run(
        final ActorTestKit testKit, final Supplier<DataPlane> planes, final TestJob job, final ClusterSettings settings)
        throws Exception
    {
        return new ClusterHarness(testKit, planes).server(job, settings, null).workers(job, settings,
            settings.workers()).observer.await(120);
    }
}
