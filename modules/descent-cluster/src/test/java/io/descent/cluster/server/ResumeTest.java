package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.Model;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job resumed from a mid-run checkpoint ends with the weights of the uninterrupted run, bit for bit; one pointed at
 * another job's checkpoint stops as bad input.
 */
class ResumeTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @TempDir
    Path dir;


    @Test
    void shouldResumeToTheUninterruptedResult() throws Exception
    {
        final TestJob job = TestJob.of("train { batch-size = 50, epochs = 3 }");
        final ClusterSettings checkpointing = TestJob.settings(2, "checkpoint { dir = \"" + dir + "\", " +
            "every-steps = 7, keep = 10 }");
        final JobResult uninterrupted =
            ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("a"), job, checkpointing);
        // Steps per epoch = 11: keep the checkpoint of step 14 (mid-epoch 2) as the "last" one.
        deleteCheckpointsAfter(14);
        assertEquals("step-000000000014", CheckpointStore.latest(dir).orElseThrow().getFileName().toString());
        final ClusterSettings plain = TestJob.settings(2, "");
        final ClusterHarness resumed = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("b"))
            .server(job, plain, dir).workers(job, plain, 2);
        final JobResult result = resumed.observer.await(120);
        assertEquals(uninterrupted.steps(), result.steps());
        assertEquals(result.steps() - 14, result.server().steps());
        assertArrayEquals(uninterrupted.finalWeights(), result.finalWeights());
        assertEquals(uninterrupted.epochs().get(1).trainLoss(), result.epochs().get(0).trainLoss(), 1e-12,
            "the epoch's loss continues from the checkpoint");
    }

    @Test
    void shouldStopAsBadInputWhenTheCheckpointIsOfAnotherJob() throws Exception
    {
        final TestJob other = TestJob.of("train { learning-rate = 0.2 }");
        final JobIdentity identity = other.identity();
        final Model model = Model.create(other.spec, other.job.seed());
        CheckpointStore.write(dir, new Checkpoint(10, 2, 1, 10, 0.0, 0, identity.fingerprint(),
            identity.architecture(), identity.configDigest(), "{}", new long[]{ model.parameterCount() }, 1L),
            List.of(model.parameters()), 2);
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("ps"))
            .server(TestJob.of(""), TestJob.settings(2, ""), dir);
        final BadInputException problem = harness.observer.badInput.get(60, TimeUnit.SECONDS);
        assertTrue(problem.getMessage().startsWith("--resume " + dir.resolve("step-000000000010") +
            ": the checkpoint was written by a job with another configuration"), problem.getMessage());
    }

    private void deleteCheckpointsAfter(final long step) throws Exception
    {
        try (Stream<Path> entries = Files.list(dir))
        {
            for (final Path p : entries.filter(p -> p.getFileName().toString().startsWith("step-")).toList())
            {
                if (Long.parseLong(p.getFileName().toString().substring(5)) > step)
                {
                    try (Stream<Path> walk = Files.walk(p))
                    {
                        walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            }
        }
    }
}
