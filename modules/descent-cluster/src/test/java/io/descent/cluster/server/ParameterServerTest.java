package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerOutcome;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parameter server and real workers in one ActorTestKit over the in-memory data plane. */
class ParameterServerTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @Test
    void shouldTrainWithTwoWorkersAndFinishThem() throws Exception
    {
        final TestJob job = TestJob.of("");
        final ClusterSettings settings = TestJob.settings(2, "");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("node"))
            .server(job, settings, null).workers(job, settings, 2);
        final JobResult result = harness.observer.await(120);
        final long stepsPerEpoch = (job.data.train().size() / 2 + 29) / 30;
        assertEquals(2 * stepsPerEpoch, result.steps());
        assertEquals(2, result.epochs().size());
        assertTrue(result.epochs().get(1).trainLoss() < result.epochs().get(0).trainLoss(), "loss goes down");
        assertTrue(result.test().accuracy() > 0.6, "test accuracy " + result.test().accuracy());
        assertEquals(2, result.workers().size());
        assertEquals(0, result.server().ignoredGradients());
        assertEquals(result.steps(), result.server().steps());
        for (final var outcome : harness.workers)
        {
            assertEquals(WorkerOutcome.Status.FINISHED, outcome.get(30, TimeUnit.SECONDS).status());
        }
    }

    @Test
    void shouldStopRealWorkersAsBadInputWhenTrainingDiverges() throws Exception
    {
        final TestJob job = TestJob.of("data { synthetic { kind = linear } }\n" +
            "model { layers = [ { type = dense, activation = identity } ] }\n" +
            "train { loss = mse, learning-rate = 30, momentum = 0.0, epochs = 5 }");
        final ClusterSettings settings = TestJob.settings(2, "");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("node"))
            .server(job, settings, null).workers(job, settings, 2);
        final BadInputException problem = harness.observer.badInput.get(120, TimeUnit.SECONDS);
        assertTrue(problem.getMessage().matches("training diverged at step \\d+, epoch \\d: loss \\S+; lower " +
            "train.learning-rate \\(now 30\\)"), problem.getMessage());
        for (final var outcome : harness.workers)
        {
            final WorkerOutcome stopped = outcome.get(30, TimeUnit.SECONDS);
            assertEquals(WorkerOutcome.Status.BAD_INPUT, stopped.status());
            assertEquals(problem.getMessage(), stopped.message());
        }
    }

    @Test
    void shouldRefuseAWorkerWithAnotherModelOnBothSides() throws Exception
    {
        final TestJob job = TestJob.of("");
        final TestJob other = TestJob.of("model { layers = [ { type = dense, units = 12 }, { type = dense } ] }");
        final ClusterSettings settings = TestJob.settings(1, "");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("node"))
            .server(job, settings, null).workers(other, settings, 1);
        final WorkerOutcome refused = harness.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        assertTrue(refused.message().contains("model fingerprint mismatch"), refused.message());
        assertEquals(1, harness.observer.refused.size());
        assertTrue(harness.observer.refused.get(0).contains("model fingerprint mismatch"));
        harness.workers(job, settings, 1);
        assertEquals(job.job.train().epochs(), harness.observer.await(120).epochs().size());
    }

    @Test
    void shouldDropARealWorkerThatStopsMidJobByWatchingTheRefItRegisteredWith() throws Exception
    {
        final TestJob job = TestJob.of("");
        final ClusterSettings settings = TestJob.settings(2, "step-timeout = 120s");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("node"))
            .server(job, settings, null);
        final HeldWorker held = new HeldWorker();
        try
        {
            final ActorRef<Worker.Command> stopping = held.spawn(cluster.testKit(), job, settings,
                cluster.network().newPlane("node"));
            assertEquals(0, held.accepted.get(60, TimeUnit.SECONDS));
            harness.workers(job, settings, 1);
            assertEquals(0L, held.held.get(60, TimeUnit.SECONDS));
            cluster.testKit().stop(stopping);
        }
        finally
        {
            held.release();
        }
        final JobResult result = harness.observer.await(120);
        assertEquals(List.of(0), result.lostRanks());
        // The server watches the worker's message adapter: its termination, not the step deadline, drops it.
        assertTrue(harness.observer.lostReasons.get(0).contains("the worker terminated"),
            harness.observer.lostReasons.toString());
        assertEquals(WorkerOutcome.Status.FINISHED, harness.workers.get(0).get(30, TimeUnit.SECONDS).status());
    }
}
