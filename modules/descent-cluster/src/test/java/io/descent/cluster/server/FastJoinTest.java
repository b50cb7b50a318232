package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.CountingPlane;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerObserver;
import io.descent.cluster.worker.WorkerOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker joins a running job whose steps take far less than the control round trip (a 2-4-2 model, batch 4): real
 * workers and server on in-memory data planes; one worker is stopped mid-run and a replacement takes its rank. The
 * join must land (no livelock), the replacement computes from its join step on, and the job completes; the same with
 * fp16 weights (the joiner decodes the version it is ordered).
 */
class FastJoinTest
{
    private static final String JOB = "data { synthetic { features = 2, classes = 2, hidden = 4 } }\n" +
        "model { layers = [ { type = dense, units = 4, activation = tanh }, { type = dense } ] }\n" +
        "train { batch-size = 4, epochs = 40 }";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @Test
    void shouldLandAJoinWhileStepsTakeFarLessThanTheRoundTrip() throws Exception
    {
        joinMidRun("");
    }

    @Test
    void shouldGiveAJoinerTheEncodedWeights() throws Exception
    {
        joinMidRun("weight-compression = fp16");
    }

    private void joinMidRun(final String overrides) throws Exception
    {
        final TestJob job = TestJob.of(JOB);
        final ClusterSettings settings = TestJob.settings(2, overrides);
        final StepPlan plan = new StepPlan(job.data.train().size(), 2, 4, 40, job.job.seed());
        final RecordingObserver observer = new RecordingObserver();
        final long started = System.nanoTime();
        cluster.testKit().spawn(ParameterServer.create(job.server(settings, cluster.network().newPlane("ps"), null),
            observer));
        final StepWatch stays = new StepWatch(-1);
        final StepWatch leaves = new StepWatch(300);
        final CompletableFuture<WorkerOutcome> stayed = new CompletableFuture<>();
        cluster.testKit().spawn(Worker.create(job.worker(settings, cluster.network().newPlane("w0")), stayed, stays));
        final ActorRef<Worker.Command> leaving = cluster.testKit().spawn(Worker.create(job.worker(settings,
            cluster.network().newPlane("w1")), new CompletableFuture<>(), leaves));
        assertNotNull(leaves.reached.get(60, TimeUnit.SECONDS), "the leaving worker reached step 300");
        cluster.testKit().stop(leaving);

        final CountingPlane plane = new CountingPlane(cluster.network().newPlane("w2"));
        final StepWatch joins = new StepWatch(-1);
        final CompletableFuture<WorkerOutcome> joined = new CompletableFuture<>();
        cluster.testKit().spawn(Worker.create(job.worker(settings, plane), joined, joins));

        final JobResult result = observer.await(120);
        final double msPerStep = (System.nanoTime() - started) / 1e6 / result.steps();
        assertEquals(plan.totalSteps(), result.steps(), "the job completes");
        final int lost = leaves.rank;
        assertEquals(List.of(lost), result.lostRanks());
        final long[] join = observer.joined.poll();
        assertNotNull(join, "the replacement joined");
        assertEquals(lost, join[0], "in place of the lost rank");
        assertEquals(lost, joins.rank);
        assertTrue(join[1] < plan.totalSteps());
        assertEquals(WorkerOutcome.Status.FINISHED, joined.get(30, TimeUnit.SECONDS).status());
        assertEquals(WorkerOutcome.Status.FINISHED, stayed.get(30, TimeUnit.SECONDS).status());
        assertEquals(join[1], joins.first, "the replacement computes from its join step on, not before");
        assertEquals(plan.totalSteps() - join[1], joins.count, "and every step after it");
        assertEquals(1, plane.outlets(), "its publication to the server is opened once, retries or not");
        for (final long[] retry : observer.joinRetries)
        {
            assertTrue(retry[2] > retry[1], "each retry is a later step");
        }
        assertArrayEquals(new long[0], observer.joinRetries.stream().mapToLong(retry -> retry[2])
            .filter(step -> step != join[1] && step > join[1]).toArray(), "no retry after the join");
        System.out.printf("fast join: %d steps, %.3f ms per step, joined at step %d after %d retries %s%n",
            result.steps(), msPerStep, join[1], observer.joinRetries.size(), observer.joinRetries.stream()
                .map(java.util.Arrays::toString).toList());
    }

    /** Counts a worker's steps; completes {@link #reached} at step {@code target}. Thread-safe enough: one writer. */
    private static final class StepWatch implements WorkerObserver
    {
        final CompletableFuture<Long> reached = new CompletableFuture<>();
        private final long target;
        volatile int rank = -1;
        volatile long first = -1;
        volatile long count;

        StepWatch(final long target)
        {
            this.target = target;
        }

        @Override
        public void onAccepted(final int accepted, final int workers)
        {
            rank = accepted;
        }

        @Override
        public void onStep(
            final long step, final double seconds, final double waitSeconds, final long examples,
            final long bytesReceived, final long bytesSent)
        {
            if (first < 0)
            {
                first = step;
            }
            count++;
            if (step >= target && target >= 0)
            {
                reached.complete(step);
            }
        }
    }
}
