package io.descent.cluster.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.JobIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints fall due by step count or elapsed time, always after the last step, and hold the step's position. */
class CheckpointPolicyTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final JobIdentity IDENTITY = new JobIdentity(11, "3>dense(3,2,identity)", 22);
    private static final Config JOB = ConfigFactory.parseString("train { batch-size = 15, epochs = 3 }");
    /** 100 rows over 2 workers in batches of 15: 4 steps per epoch, 12 in all. */
    private static final StepPlan PLAN = new StepPlan(100, 2, 15, 3, 1);

    @TempDir
    Path dir;

    @Test
    void shouldFallDueEveryNStepsAndAtTheLast()
    {
        final CheckpointPolicy policy = policy(settings(5, Duration.ZERO, 3));
        policy.start(0);
        assertEquals(List.of(5L, 10L, 12L), dueSteps(policy, 0), "12: the job ends there");
        final CheckpointPolicy everyFourth = policy(settings(4, Duration.ZERO, 3));
        everyFourth.start(0);
        assertEquals(List.of(4L, 8L, 12L), dueSteps(everyFourth, 0));
    }

    @Test
    void shouldFallDueWhenTheIntervalPassedSinceTheLastOne()
    {
        final CheckpointPolicy policy = policy(settings(0, Duration.ofSeconds(10), 3));
        policy.start(100 * SECOND);
        // Step n is next at 100 + 4n s: 12 s after the start or the previous checkpoint every third step.
        assertEquals(List.of(3L, 6L, 9L, 12L), dueSteps(policy, 4 * SECOND), "12: the job ends there");
    }

    @Test
    void shouldRestartTheIntervalAtACheckpointDueBySteps()
    {
        final CheckpointPolicy policy = policy(settings(4, Duration.ofSeconds(10), 3));
        policy.start(0);
        assertFalse(policy.due(1, 9 * SECOND));
        assertTrue(policy.due(2, 10 * SECOND), "by time");
        assertFalse(policy.due(3, 19 * SECOND));
        assertTrue(policy.due(4, 19 * SECOND), "by steps");
        assertFalse(policy.due(5, 28 * SECOND), "9 s after the checkpoint of step 4");
        assertTrue(policy.due(6, 29 * SECOND));
    }

    @Test
    void shouldFallDueAtTheLastStepEvenRightAfterAnother()
    {
        final CheckpointPolicy policy = policy(settings(0, Duration.ofHours(1), 3));
        policy.start(0);
        assertFalse(policy.due(11, SECOND));
        assertTrue(policy.due(12, 2 * SECOND), "the job's end: the final weights");
    }

    @Test
    void shouldRememberTheLastStepItWrote()
    {
        final CheckpointPolicy policy = policy(settings(3, Duration.ZERO, 3));
        assertEquals(-1, policy.lastWritten());
        policy.write(3, new EpochTally(PLAN, 0.0, 0), List.of(Nd4j.create(new float[]{ 1, 2 })));
        assertEquals(3, policy.lastWritten());
    }

    @Test
    void shouldNeverFallDueWhenDisabled()
    {
        final CheckpointPolicy noDir = policy(new ClusterSettings.CheckpointSettings(Optional.empty(), 1,
            Duration.ofSeconds(1), 3));
        noDir.start(0);
        assertEquals(List.of(), dueSteps(noDir, SECOND));
        final CheckpointPolicy noInterval = policy(settings(0, Duration.ZERO, 3));
        noInterval.start(0);
        assertEquals(List.of(), dueSteps(noInterval, SECOND));
    }

    @Test
    void shouldWriteTheStepsPositionAndItsEpochsLossSoFar()
    {
        final CheckpointPolicy policy = policy(settings(3, Duration.ZERO, 3));
        final EpochTally epochs = new EpochTally(PLAN, 0.0, 0);
        for (int step = 0; step < 6; step++)
        {
            epochs.add(0.5 * step, 10);
            epochs.closeIfLast(step, 0.1, 2, 0);
        }
        final INDArray weights = Nd4j.create(new float[]{ 1.5f, -2.25f, 3.0f });
        final INDArray velocity = Nd4j.create(new float[]{ 0.1f, 0.2f, 0.3f });
        final long created = policy.write(6, epochs, List.of(weights, velocity));

        final Checkpoint checkpoint = CheckpointStore.read(dir.resolve("step-000000000006"));
        assertEquals(6, checkpoint.step());
        assertEquals(2, checkpoint.shards());
        assertEquals(2, checkpoint.epoch());
        assertEquals(2, checkpoint.batch());
        assertEquals(4.5, checkpoint.epochLossSum(), "steps 4 and 5 of epoch 2: 2.0 + 2.5");
        assertEquals(20, checkpoint.epochExamples());
        assertEquals(11, checkpoint.fingerprint());
        assertEquals("3>dense(3,2,identity)", checkpoint.architecture());
        assertEquals(22, checkpoint.configDigest());
        assertEquals("{\"train\":{\"batch-size\":15,\"epochs\":3}}", checkpoint.config());
        assertArrayEquals(new long[]{ 3, 3 }, checkpoint.vectorLengths());
        assertEquals(created, checkpoint.createdMillis());
    }

    @Test
    void shouldWriteNoEpochLossAtAnEpochsStartAndKeepTheNewest() throws Exception
    {
        final CheckpointPolicy policy = policy(settings(2, Duration.ZERO, 2));
        final EpochTally epochs = new EpochTally(PLAN, 0.0, 0);
        final List<INDArray> vectors = List.of(Nd4j.create(new float[]{ 1, 2 }));
        // Steps 0..9 of 12: the checkpoint of the job's end would prune step 8's.
        for (long step = 0; step < 10; step++)
        {
            epochs.add(1.0, 10);
            if (policy.due(step + 1, 0))
            {
                policy.write(step + 1, epochs, vectors);
            }
            epochs.closeIfLast(step, 0.1, 2, 0);
        }
        final Checkpoint eight = CheckpointStore.read(dir.resolve("step-000000000008"));
        assertEquals(3, eight.epoch());
        assertEquals(0, eight.batch());
        assertEquals(0.0, eight.epochLossSum());
        assertEquals(0, eight.epochExamples());
        final Checkpoint ten = CheckpointStore.read(dir.resolve("step-000000000010"));
        assertEquals(2, ten.batch());
        assertEquals(2.0, ten.epochLossSum(), "steps 8 and 9");
        assertEquals(20, ten.epochExamples());
        try (Stream<Path> entries = Files.list(dir))
        {
            assertEquals(List.of("step-000000000008", "step-000000000010"),
                entries.map(p -> p.getFileName().toString()).sorted().toList(), "of 2, 4, 6, 8 and 10, keep = 2");
        }
    }

    private CheckpointPolicy policy(final ClusterSettings.CheckpointSettings settings)
    {
        return new CheckpointPolicy(settings, PLAN, IDENTITY, JOB, LoggerFactory.getLogger(CheckpointPolicyTest.class));
    }

    private ClusterSettings.CheckpointSettings settings(final int everySteps, final Duration every, final int keep)
    {
        return new ClusterSettings.CheckpointSettings(Optional.of(dir), everySteps, every, keep);
    }

    /** @return the next steps due after each step of {@link #PLAN}, the n-th step finishing at n × {@code stepNs}. */
    private static List<Long> dueSteps(final CheckpointPolicy policy, final long stepNs)
    {
        final List<Long> due = new ArrayList<>();
        for (long step = 0; step < PLAN.totalSteps(); step++)
        {
            if (policy.due(step + 1, (step + 1) * stepNs + 100 * SECOND))
            {
                due.add(step + 1);
            }
        }
        return due;
    }
}
