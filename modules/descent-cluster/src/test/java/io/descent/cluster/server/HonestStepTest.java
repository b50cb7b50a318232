package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.nn.Model;
import io.descent.nn.error.BadInputException;
import io.descent.nn.optim.Finite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter server applies only honest steps, driven by scripted workers that send chosen gradients: each
 * gradient weighs the rows its rank was ordered, a report claiming other rows is refused and counted, and a step
 * whose loss or summed gradient is not finite is never applied or checkpointed: the job stops as bad input and tells
 * its workers why. Plain SGD (no momentum) at learning rate 0.1 on 1080 training rows, batches of 180 per shard, so
 * every update is {@code w -= 0.1 · mean gradient}.
 */
class HonestStepTest
{
    private static final double RATE = 0.1;

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @TempDir
    Path dir;

    private final RecordingObserver observer = new RecordingObserver();
    private TestJob job;
    private ActorRef<ServerProtocol.Command> server;

    @Test
    void shouldWeighDistinctGradientsByTheRowsEachRankWasOrdered() throws Exception
    {
        final FakeWorker[] workers = startJob("epochs = 2", TestJob.settings(3, ""));
        final float[] w0 = expectStep(workers, 0);
        push(workers, 0, new float[]{ 0.01f, 0.02f, 0.04f }, new int[]{ 180, 180, 180 });
        final FakeWorker[] live = { workers[0], workers[1] };
        final float[] w1 = expectStep(workers, 1);
        assertUpdate(w0, w1, (0.01 + 0.02 + 0.04) / 3, "equal orders weigh equally");
        workers[2].probe.stop();
        push(live, 1, new float[]{ 0.01f, 0.02f }, new int[]{ 180, 180 });
        assertArrayEquals(new int[]{ 0, 2 }, workers[0].expectStep(2).shards(), "rank 0 also computes the lost shard");
        workers[1].expectStep(2);
        final float[] w2 = workers[0].weights();
        assertUpdate(w1, w2, (0.01 + 0.02) / 2, "the mean over the examples that arrived");
        push(live, 2, new float[]{ 0.01f, 0.04f }, new int[]{ 360, 180 });
        final float[] w3 = expectStep(live, 3);
        assertUpdate(w2, w3, (360 * 0.01 + 180 * 0.04) / 540, "twice the rows, twice the weight");
        push(live, 3, new float[]{ 0.01f, 0.04f }, new int[]{ 360, 180 });
        final JobResult result = observer.await(60);
        assertEquals(0, result.server().refusedGradients());
        assertUpdate(w3, result.finalWeights(), (360 * 0.01 + 180 * 0.04) / 540, "the last step");
    }

    @Test
    void shouldRefuseAndCountAReportThatLiesAboutItsExamplesAndGoOnWithoutThatGradient() throws Exception
    {
        final FakeWorker[] workers = startJob("epochs = 1", TestJob.settings(2, ""));
        final float[] w0 = expectStep(workers, 0);
        push(workers, 0, new float[]{ 0.01f, 0.03f }, new int[]{ 180, 180 });
        final float[] w1 = expectStep(workers, 1);
        assertUpdate(w0, w1, 0.02, "both honest");
        push(workers, 1, new float[]{ 0.01f, 0.03f }, new int[]{ 180, 540 });
        final float[] w2 = expectStep(workers, 2);
        assertUpdate(w1, w2, 0.01, "rank 1 claimed three times its rows: its gradient is left out");
        push(workers, 2, new float[]{ 0.01f, 0.03f }, new int[]{ 180, 180 });
        final JobResult result = observer.await(60);
        assertUpdate(w2, result.finalWeights(), 0.02, "rank 1 stays in the job and counts again when honest");
        assertEquals(1, result.server().refusedGradients());
        assertEquals(0, result.server().ignoredGradients());
        assertEquals(List.of(), result.lostRanks());
    }

    @Test
    void shouldStopOnANonFiniteGradientWithoutApplyingOrCheckpointingIt() throws Exception
    {
        final Path checkpoints = dir.resolve("checkpoints");
        final FakeWorker[] workers = startJob("epochs = 2",
            TestJob.settings(2, "checkpoint { dir = \"" + checkpoints + "\", every-steps = 1, keep = 2 }"));
        for (long step = 0; step < 3; step++)
        {
            expectStep(workers, step);
            push(workers, step, new float[]{ 0.01f, 0.01f }, new int[]{ 180, 180 });
        }
        final float[] w3 = expectStep(workers, 3);
        push(workers, 3, new float[]{ 0.01f, Float.NaN }, new int[]{ 180, 180 });
        final String line = "training diverged at step 3, epoch 2: loss 0.5, gradient not finite; lower " +
            "train.learning-rate (now 0.1)";
        assertStoppedOnBadInput(workers, line);
        assertEquals(List.of("step-000000000002", "step-000000000003"), checkpointNames(checkpoints),
            "keep = 2: the two before the divergence, no newer one pushed them out");
        assertArrayEquals(w3, restoreLatest(checkpoints), "the last checkpoint holds the last good weights");
    }

    @Test
    void shouldStopOnANonFiniteLossBeforeTheFirstUpdate() throws Exception
    {
        final FakeWorker[] workers = startJob("epochs = 1", TestJob.settings(2, ""));
        final float[] w0 = expectStep(workers, 0);
        workers[0].push(0, 180, 0.5);
        workers[1].push(0, 180, Double.NaN);
        assertStoppedOnBadInput(workers, "training diverged at step 0, epoch 1: loss NaN; lower " +
            "train.learning-rate (now 0.1)");
        assertArrayEquals(w0, workers[0].weights(), "no weights were published after the diverged step");
    }

    private void assertStoppedOnBadInput(final FakeWorker[] workers, final String line) throws Exception
    {
        final BadInputException problem = observer.badInput.get(30, TimeUnit.SECONDS);
        assertEquals(line, problem.getMessage());
        for (final FakeWorker worker : workers)
        {
            final ServerProtocol.Finish finish = worker.probe.expectMessageClass(ServerProtocol.Finish.class,
                Duration.ofSeconds(10));
            assertFalse(finish.success());
            assertTrue(finish.badInput(), "the workers end as bad input too");
            assertEquals(line, finish.message());
        }
        workers[0].expectNoStep(Duration.ofMillis(300));
    }

    private FakeWorker[] startJob(final String train, final ClusterSettings settings)
    {
        job = TestJob.of("train { batch-size = 180, momentum = 0.0, " + train + " }");
        server = cluster.testKit().spawn(ParameterServer.create(job.server(settings, cluster.network().newPlane("ps"),
            null), observer));
        final TestProbe<Receptionist.Listing> listings = cluster.testKit().createTestProbe();
        cluster.testKit().system().receptionist().tell(Receptionist.subscribe(ServerProtocol.KEY, listings.getRef()));
        listings.fishForMessage(Duration.ofSeconds(30), listing -> listing.getServiceInstances(ServerProtocol.KEY)
            .isEmpty() ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete());
        final int floats = (int)Model.create(job.spec, 1).parameterCount();
        final FakeWorker[] workers = new FakeWorker[settings.workers()];
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = new FakeWorker(cluster.testKit(), cluster.network(), job.identity(), floats).join(server);
            assertEquals(i, workers[i].rank);
        }
        return workers;
    }

    /** @return the weights of {@code step}, once every worker has its order and weights. */
    private static float[] expectStep(final FakeWorker[] workers, final long step) throws InterruptedException
    {
        for (final FakeWorker worker : workers)
        {
            worker.expectStep(step);
        }
        return workers[0].weights();
    }

    private static void push(final FakeWorker[] workers, final long step, final float[] gradients, final int[] rows)
    {
        for (int i = 0; i < workers.length; i++)
        {
            workers[i].withGradient(gradients[i]).push(step, rows[i]);
        }
    }

    /** Plain SGD: every weight moved by {@code -RATE · mean}. */
    private static void assertUpdate(final float[] before, final float[] after, final double mean, final String what)
    {
        for (int i = 0; i < before.length; i++)
        {
            assertEquals(-RATE * mean, (double)after[i] - before[i], 1e-6, what + ", weight " + i);
        }
    }

    private static List<String> checkpointNames(final Path checkpoints) throws Exception
    {
        try (Stream<Path> entries = Files.list(checkpoints))
        {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** @return the weights of the newest checkpoint, restored with its checks (checksums, finite values). */
    private float[] restoreLatest(final Path checkpoints)
    {
        final Checkpoint latest = CheckpointStore.read(CheckpointStore.latest(checkpoints).orElseThrow());
        final List<INDArray> vectors = new ArrayList<>();
        for (final long length : latest.vectorLengths())
        {
            vectors.add(Nd4j.create(DataType.FLOAT, length));
        }
        CheckpointStore.restoreLatest(checkpoints, job.identity(), 2, vectors);
        assertTrue(vectors.stream().allMatch(Finite::all));
        return vectors.get(0).toFloatVector();
    }
}
