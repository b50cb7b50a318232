package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerObserver;
import io.descent.cluster.worker.WorkerOutcome;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Threshold-coded weights ({@code weight-compression = threshold}) end to end on the in-memory data plane: every
 * worker's parameters equal the server's shadow bit for bit at every version it computes (from its first version,
 * which comes whole, on: at the start, after a join, with two server shards), the server publishes one coded change
 * a version and its traffic counts it, and a run is reproducible bit for bit.
 */
class ThresholdWeightsTest
{
    /** 10-200-3: 2803 floats, two ranges of at least 1024 floats with two shards. */
    private static final String MODEL = "model { layers = [ { type = dense, units = 200, activation = tanh }, " +
        "{ type = dense } ] }\n";
    private static final String THRESHOLD = "compression = threshold, weight-compression = threshold";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final TestJob job = TestJob.of(MODEL + "train { batch-size = 30, epochs = 3 }\n");

    @Test
    void shouldHoldTheServersShadowBitForBitAtEveryVersion() throws Exception
    {
        final Run run = run("a", TestJob.settings(2, THRESHOLD));
        final long steps = run.result.steps();
        assertEquals(steps, run.observer.held.size(), "every version published (the last one too)");
        for (final Weights worker : run.workers)
        {
            assertEquals(steps, worker.byVersion.size(), "rank " + worker.rank + " computed every version");
            for (long version = 0; version < steps; version++)
            {
                assertArrayEquals(run.observer.held.get(version), worker.byVersion.get(version),
                    "rank " + worker.rank + " holds the server's shadow of version " + version);
            }
        }
        assertArrayEquals(run.observer.master.get(0L), run.observer.held.get(0L), "version 0 goes out whole");
        assertFalse(Arrays.equals(run.observer.master.get(steps - 1), run.observer.held.get(steps - 1)),
            "later versions are coded: the shadow lags the master");

        final CompressionStats.WeightTraffic weights = run.result.server().compression().weights();
        assertEquals("threshold", weights.codec());
        assertEquals(2 * steps, weights.copies(), "two ranks a version");
        assertEquals(2, weights.fullCopies(), "each rank got the weights whole once, at its first version");
        assertEquals((steps - 1) * 2803L, weights.values(), "one coded change a version after the first");
        assertTrue(weights.density() > 0.002 && weights.density() < 0.05, "about 1 %: " + weights.density());
        assertTrue(weights.tau() > 0.0, "τ " + weights.tau());
        assertTrue(weights.wireBytes() * 5 < weights.denseBytes(), weights.wireBytes() + " of " + weights.denseBytes());

    }

    @Test
    void shouldTrainAboutAsWellAsOnFloat32Weights() throws Exception
    {
        final JobResult dense = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("dense"), job,
            TestJob.settings(2, "compression = threshold"));
        final JobResult coded = run("coded", TestJob.settings(2, THRESHOLD + ", weight-threshold.density = 0.1"))
            .result;
        assertTrue(coded.test().accuracy() >= dense.test().accuracy() - 0.05,
            "accuracy " + coded.test().accuracy() + " vs float32 weights " + dense.test().accuracy());
    }

    @Test
    void shouldHoldTheShadowUnderBackupWorkers() throws Exception
    {
        final Run run = run("backup", TestJob.settings(3, THRESHOLD + ", consistency = backup, backup-workers = 1"));
        assertEquals(run.result.steps(), run.observer.held.size());
        long computed = 0;
        for (final Weights worker : run.workers)
        {
            for (final Map.Entry<Long, float[]> version : worker.byVersion.entrySet())
            {
                assertArrayEquals(run.observer.held.get(version.getKey()), version.getValue(),
                    "rank " + worker.rank + " holds the server's shadow of version " + version.getKey() +
                    " (a worker that skipped versions added each change it skipped)");
                computed++;
            }
        }
        assertTrue(computed >= run.result.steps() * 2, "most ranks computed most versions: " + computed);
        assertEquals(3, run.result.server().compression().weights().fullCopies());
    }

    @Test
    void shouldRunBitwiseReproducibly() throws Exception
    {
        final Run first = run("a", TestJob.settings(2, THRESHOLD));
        final Run second = run("b", TestJob.settings(2, THRESHOLD));
        assertArrayEquals(first.result.finalWeights(), second.result.finalWeights());
        final long last = first.result.steps() - 1;
        assertArrayEquals(first.observer.held.get(last), second.observer.held.get(last), "the same shadow");
    }

    @Test
    void shouldHoldEachShardsShadowWithTwoServerShards() throws Exception
    {
        final ClusterSettings settings = TestJob.settings(2, THRESHOLD + ", servers = 2, shard-min-bytes = 4096");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("s"));
        harness.server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1);
        harness.observer.recordWeights = true;
        final List<Weights> workers = spawnWorkers(settings, 2, "w");
        final JobResult result = harness.observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
        final int own = harness.observer.held.get(0L).length;
        assertTrue(own > 0 && own < 2803, "the coordinator holds one range: " + own);
        for (long version = 0; version < result.steps(); version++)
        {
            final float[] rank0 = workers.get(0).byVersion.get(version);
            assertArrayEquals(rank0, workers.get(1).byVersion.get(version), "both ranks hold version " + version);
            assertArrayEquals(harness.observer.held.get(version), Arrays.copyOf(rank0, own),
                "the coordinator's shadow of version " + version);
        }
        assertFalse(Arrays.equals(harness.observer.master.get(result.steps() - 1),
            harness.observer.held.get(result.steps() - 1)), "coded");
        assertEquals(2, result.server().compression().weights().fullCopies(),
            "each rank got the coordinator's range whole once");
    }

    @Test
    void shouldGiveAJoinerTheShadowWholeThenTheChanges() throws Exception
    {
        final TestJob longer = TestJob.of(MODEL + "train { batch-size = 30, epochs = 12 }\n");
        final ClusterSettings settings = TestJob.settings(2, THRESHOLD);
        final RecordingObserver observer = recording();
        cluster.testKit().spawn(ParameterServer.create(longer.server(settings, cluster.network().newPlane("ps"),
            null), observer));
        final Weights stays = new Weights(-1);
        final Weights leaves = new Weights(60);
        cluster.testKit().spawn(Worker.create(longer.worker(settings, cluster.network().newPlane("w0")),
            new CompletableFuture<>(), stays));
        final ActorRef<Worker.Command> leaving = cluster.testKit().spawn(Worker.create(longer.worker(settings,
            cluster.network().newPlane("w1")), new CompletableFuture<>(), leaves));
        assertNotNull(leaves.reached.get(60, TimeUnit.SECONDS));
        cluster.testKit().stop(leaving);
        final Weights joins = new Weights(-1);
        final CompletableFuture<WorkerOutcome> joined = new CompletableFuture<>();
        cluster.testKit().spawn(Worker.create(longer.worker(settings, cluster.network().newPlane("w2")), joined,
            joins));

        final JobResult result = observer.await(120);
        assertEquals(WorkerOutcome.Status.FINISHED, joined.get(30, TimeUnit.SECONDS).status());
        final long[] join = observer.joined.poll();
        assertNotNull(join, "the replacement joined");
        assertTrue(join[1] < result.steps() - 1, "and computed: joined at " + join[1]);
        assertEquals(result.steps() - join[1], joins.byVersion.size(), "every version from its join on");
        for (final Weights worker : List.of(stays, joins))
        {
            for (final Map.Entry<Long, float[]> version : worker.byVersion.entrySet())
            {
                assertArrayEquals(observer.held.get(version.getKey()), version.getValue(),
                    "rank " + worker.rank + " holds the server's shadow of version " + version.getKey());
            }
        }
        assertEquals(3, result.server().compression().weights().fullCopies(), "the joiner got it whole once too");
    }

    /** A job's server observer, its workers' weights by version, and its result. */
    private record Run(RecordingObserver observer, List<Weights> workers, JobResult result)
    {
    }

    private Run run(final String name, final ClusterSettings settings) throws Exception
    {
        final RecordingObserver observer = recording();
        cluster.testKit().spawn(ParameterServer.create(job.server(settings, cluster.network().newPlane(name + "-ps"),
            null), observer));
        final List<Weights> workers = spawnWorkers(settings, settings.workers(), name);
        return new Run(observer, workers, observer.await(120));
    }

    private List<Weights> spawnWorkers(final ClusterSettings settings, final int count, final String name)
    {
        final List<Weights> workers = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Weights weights = new Weights(-1);
            cluster.testKit().spawn(Worker.create(job.worker(settings, cluster.network().newPlane(name + i)),
                new CompletableFuture<>(), weights));
            workers.add(weights);
        }
        return workers;
    }

    private static RecordingObserver recording()
    {
        final RecordingObserver observer = new RecordingObserver();
        observer.recordWeights = true;
        return observer;
    }

    /** A worker's parameters at each version it computed; completes {@link #reached} at step {@code target}. */
    private static final class Weights implements WorkerObserver
    {
        final Map<Long, float[]> byVersion = new ConcurrentHashMap<>();
        final CompletableFuture<Long> reached = new CompletableFuture<>();
        private final long target;
        volatile int rank = -1;

        Weights(final long target)
        {
            this.target = target;
        }

        @Override
        public void onAccepted(final int accepted, final int workers)
        {
            rank = accepted;
        }

        @Override
        public void onWeights(final long version, final DirectBuffer parameters)
        {
            byVersion.put(version, RecordingObserver.floats(parameters));
        }

        @Override
        public void onStep(
            final long step, final double seconds, final double waitSeconds, final long examples,
            final long bytesReceived, final long bytesSent)
        {
            if (target >= 0 && step >= target)
            {
                reached.complete(step);
            }
        }
    }
}
