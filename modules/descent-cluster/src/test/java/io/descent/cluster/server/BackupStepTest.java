package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.worker.WorkerOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code consistency = backup} on a real server and workers in one JVM: with one worker slowed on purpose the steps
 * close without it, its late gradients are counted and dropped, and the job completes every planned step with all
 * workers; with {@code backup-workers = 0} it is sync bit for bit; a worker of another consistency is refused with
 * the reason on both sides. With two parameter-server shards (actors of their own) the same: both shards take every
 * step and close the same steps early (on the coordinator's ranks), and with {@code backup-workers = 0} the weights
 * are bitwise one sync server's.
 */
class BackupStepTest
{
    /** The test-only delay (see io.descent.cluster.worker.TestDelay). */
    private static final String DELAY = "descent.test.step-delay";
    /** 10-256-3: 3,587 floats, two ranges of at least 4 KiB. */
    private static final String SHARDED_JOB = "model { layers = [ { type = dense, units = 256, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 2 }";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final TestJob job = TestJob.of("train { batch-size = 30, epochs = 2 }");

    @Test
    void shouldCloseStepsWithoutASlowedWorkerAndDropItsLateGradients() throws Exception
    {
        final ClusterSettings settings = TestJob.settings(3, "consistency = backup, backup-workers = 1");
        System.setProperty(DELAY, "2:25");
        try
        {
            final ClusterHarness harness = new ClusterHarness(cluster.testKit(),
                () -> cluster.network().newPlane("node")).server(job, settings, null).workers(job, settings, 3);
            final JobResult result = harness.observer.await(180);
            final StepPlan plan = new StepPlan(job.data.train().size(), 3, 30, 2, job.job.seed());
            assertEquals(plan.totalSteps(), result.steps(), "every planned step");
            assertEquals(2, result.epochs().size());
            assertTrue(result.lostRanks().isEmpty(), "the slow worker stays in the job: " + result.lostRanks());
            assertTrue(result.server().closedEarly() > 0, "steps closed without the slow worker");
            assertTrue(result.server().lateGradients() > 0, "its late gradients were dropped");
            assertTrue(result.server().lateGradients() <= result.server().closedEarly(),
                "at most one late gradient per early close with b = 1: " + result.server());
            assertTrue(Double.isFinite(result.test().loss()), "it trained: " + result.test().describe());
            for (final var worker : harness.workers)
            {
                assertEquals(WorkerOutcome.Status.FINISHED, worker.get(30, TimeUnit.SECONDS).status());
            }
        }
        finally
        {
            System.clearProperty(DELAY);
        }
    }

    @Test
    void shouldCloseTheSameStepsEarlyOnBothServerShards() throws Exception
    {
        final TestJob wide = TestJob.of(SHARDED_JOB);
        final ClusterSettings settings = TestJob.settings(3, "servers = 2, shard-min-bytes = 4k, " +
            "consistency = backup, backup-workers = 1");
        System.setProperty(DELAY, "2:25");
        try
        {
            final ClusterHarness harness = new ClusterHarness(cluster.testKit(),
                () -> cluster.network().newPlane("node")).server(wide, settings, null);
            final CompletableFuture<String> shard = harness.shard(wide, settings, 1);
            final JobResult result = harness.workers(wide, settings, 3).observer.await(180);
            assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
            final StepPlan plan = new StepPlan(wide.data.train().size(), 3, 30, 2, wide.job.seed());
            assertEquals(plan.totalSteps(), result.steps(), "every planned step");
            assertTrue(result.lostRanks().isEmpty(), "the slow worker stays in the job: " + result.lostRanks());
            assertEquals(2, result.shards().size());
            final long closedEarly = result.server().closedEarly();
            assertTrue(closedEarly > 0, "steps closed without the slow worker");
            for (final ServerStats server : result.shards())
            {
                assertEquals(plan.totalSteps(), server.steps(), "every step on every shard: " + server);
                assertEquals(closedEarly, server.closedEarly(), "the same steps closed early: " + server);
                assertTrue(server.lateGradients() > 0, "late gradients dropped: " + server);
                assertEquals(0, server.refusedGradients(), server.toString());
            }
            assertTrue(Double.isFinite(result.test().loss()), "it trained: " + result.test().describe());
        }
        finally
        {
            System.clearProperty(DELAY);
        }
    }

    @Test
    void shouldEqualOneSyncServerBitForBitOnTwoShardsWithNoBackupWorkers() throws Exception
    {
        final TestJob wide = TestJob.of(SHARDED_JOB);
        final float[] sync = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("one"), wide,
            TestJob.settings(2, "")).finalWeights();
        final ClusterSettings settings = TestJob.settings(2, "servers = 2, shard-min-bytes = 4k, " +
            "consistency = backup, backup-workers = 0");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("two"))
            .server(wide, settings, null);
        final CompletableFuture<String> shard = harness.shard(wide, settings, 1);
        final JobResult backup = harness.workers(wide, settings, 2).observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
        assertArrayEquals(sync, backup.finalWeights());
    }

    @Test
    void shouldEqualSyncBitForBitWithNoBackupWorkers() throws Exception
    {
        final float[] sync = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("a"), job,
            TestJob.settings(2, "")).finalWeights();
        final JobResult backup = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("b"), job,
            TestJob.settings(2, "consistency = backup, backup-workers = 0"));
        assertArrayEquals(sync, backup.finalWeights());
        assertEquals(0, backup.server().closedEarly());
    }

    @Test
    void shouldRefuseAWorkerOfAnotherConsistencyOnBothSides() throws Exception
    {
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("n"))
            .server(job, TestJob.settings(2, "consistency = backup"), null)
            .workers(job, TestJob.settings(2, ""), 1);
        final WorkerOutcome refused = harness.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        final String reason = "consistency differs: the worker uses sync but the parameter server uses backup " +
            "(backup-workers = 1); set descent.cluster.consistency (and backup-workers, staleness) the same on every " +
            "node";
        assertEquals(reason, refused.message());
        assertEquals(java.util.List.of(reason), harness.observer.refused);
    }
}
