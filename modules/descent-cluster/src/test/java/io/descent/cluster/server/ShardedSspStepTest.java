package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.checkpoint.ShardCheckpoints;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ssp} with two parameter-server shards, on the step loops of the coordinator and of shard 1 over the in-memory
 * data plane, driven on the test thread (which plays both compute threads): each shard applies its range of each
 * gradient on arrival at its share of the step (plain SGD at rate 0.5, exact in float32) and sends its range back to
 * the pusher alone; each shard holds its own range back under the bound, so a worker gets every range of a step only
 * once every shard closed the step s + 1 before it; a rank dropped by the coordinator leaves both shards' orders from
 * the same step (the coordinator opens no step before shard 1 acknowledged, shard 1 plans a step it opened ahead
 * again), and an epoch is evaluated on both shards' ranges. With gradient-norm clipping each shard clips its range of
 * a gradient by the norm its worker reported for the whole gradient, and refuses a report without a valid one. The
 * coordinator deletes no checkpoint between a drop and its acknowledgement. Each worker has a data plane per shard,
 * so what each shard sent it is counted apart.
 */
class ShardedSspStepTest
{
    private static final int RANKS = 2;
    private static final float RATE = 0.5f;
    /** Below every gradient's norm of this test (at least (1/16)·√3587 / 2 ≈ 1.9). */
    private static final double CLIP = 0.5;
    private static final String CLIPPED = "\ntrain.clip-norm = " + CLIP;
    /** 10-256-3: 3,587 floats, two ranges of at least 4 KiB. */
    private static final String JOB = "model { layers = [ { type = dense, units = 256, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 3, learning-rate = 0.5, momentum = 0.0 }";

    private InMemoryNetwork network;
    private final LoopedShard[] shards = new LoopedShard[2];
    private StepPlan plan;
    private Worker[] workers;

    private void start(final String consistency)
    {
        start(consistency, "");
    }

    private void start(final String consistency, final String train)
    {
        final TestJob job = TestJob.of(JOB + train);
        network = new InMemoryNetwork();
        final String settings = "servers = 2, shard-min-bytes = 4k, " + consistency;
        final InMemoryDataPlane coordinatorPlane = network.newPlane("ps");
        final ServerSetup coordinator = job.server(TestJob.settings(RANKS, settings), coordinatorPlane, null);
        shards[0] = new LoopedShard(coordinator, coordinatorPlane);
        final InMemoryDataPlane followerPlane = network.newPlane("ps-shard-1");
        final ServerEngine first = shards[0].engine;
        shards[1] = new LoopedShard(job.server(TestJob.settings(RANKS, settings), followerPlane, null).withRole(
            new ShardRole(1, first.shardPlan().bounds(), first.identity().incarnation(), coordinatorPlane.endpoint(),
                -1)), followerPlane);
        plan = coordinator.plan();
        assertEquals(2, first.shardPlan().shards(), first.shardPlan().toString());
        workers = new Worker[RANKS];
        for (int rank = 0; rank < RANKS; rank++)
        {
            workers[rank] = new Worker(rank);
        }
        for (final LoopedShard shard : shards)
        {
            shard.loop.start(new int[]{ 0, 1 });
        }
    }

    @AfterEach
    void stop()
    {
        for (final LoopedShard shard : shards)
        {
            shard.engine.close();
        }
        network.close();
    }

    @Test
    void shouldApplyEachRangeOnArrivalAndHoldAWorkerUntilEveryShardClosedTheSlowStep()
    {
        start("consistency = ssp, staleness = 1");
        for (long step = 0; step <= 1; step++)
        {
            final float[][] before = ranges();
            workers[0].push(step, 1, both());
            assertUpdate(before, g(0, step) / 2, "rank 0's step " + step + " alone, at 1/2, on both ranges");
        }
        assertEquals(2, workers[0].ordered(0), "the coordinator's range and order of steps 0 and 1; 2 is held");
        assertEquals(2, workers[0].ordered(1), "shard 1's range of steps 0 and 1; 2 is held");
        assertEquals(1, workers[1].ordered(0), "the weights went to the pushing worker alone");
        assertEquals(1, workers[1].ordered(1));

        // Rank 1's step 0 reaches the coordinator first: only the coordinator's range of step 2 goes out.
        final float[][] slow = ranges();
        workers[1].push(0, 1, new boolean[]{ true, false });
        assertEquals(List.of(0L), shards[0].applied());
        assertEquals(List.of(), shards[1].applied(), "shard 1 still waits for rank 1's step 0");
        assertEquals(3, workers[0].ordered(0), "the coordinator released rank 0 to step 2");
        assertEquals(2, workers[0].ordered(1), "shard 1 holds its range of step 2: rank 0 cannot compute it yet");

        workers[1].push(0, 1, new boolean[]{ false, true });
        assertEquals(List.of(0L), shards[1].applied());
        assertEquals(3, workers[0].ordered(1), "shard 1 closed step 0: every range of step 2 is out");
        assertUpdate(slow, g(1, 0) / 2, "rank 1's step 0 on both ranges");
        for (final LoopedShard shard : shards)
        {
            final StepLoop.Applied applied = shard.last();
            assertEquals(2L * plan.batchRows(plan.batchOf(0)), applied.examples());
            assertArrayEquals(new long[]{ 2, 1 }, applied.staleness().steps(), "rank 0's step 1 was computed on " +
                "weights without rank 1's step 0: staleness 1, never above s");
        }
    }

    @Test
    void shouldDropARankFromTheSameStepOnBothShards()
    {
        start("consistency = ssp, staleness = 1");
        workers[0].push(0, 1, both());
        // Rank 1 dies while pushing step 0: shard 1 got it, the coordinator did not.
        workers[1].push(0, 1, new boolean[]{ false, true });
        assertEquals(List.of(0L), shards[1].applied());
        assertEquals(List.of(), shards[0].applied());

        assertEquals(2, shards[0].loop.drop(1), "rank 1 is out of the orders from step 2, the first not opened");
        assertEquals(List.of(0L), shards[0].applied(), "step 0 closes without rank 1");
        final float[][] step1 = ranges();
        workers[0].push(1, 1, both());
        assertUpdate(step1, g(0, 1) / 2, "rank 0's half of step 1");
        assertEquals(2, workers[0].ordered(0), "the coordinator opens no step before shard 1 took the drop in");
        assertEquals(3, workers[0].ordered(1), "shard 1 opened step 2 ahead, with rank 1");
        assertEquals(List.of(0L, 1L), shards[0].applied());
        assertEquals(List.of(0L), shards[1].applied(), "step 1 waits for rank 1 on shard 1");

        shards[1].loop.leave(1, 2);
        assertEquals(List.of(0L, 1L), shards[1].applied(), "step 1 closes without rank 1 on shard 1");
        shards[0].loop.acknowledged();
        assertEquals(3, workers[0].ordered(0), "now the coordinator orders step 2");

        // Rank 0 computes rank 1's data shard too (its order of step 2 on the coordinator), the whole step.
        final float[][] step2 = ranges();
        workers[0].push(2, 2, both());
        assertUpdate(step2, g(0, 2), "the whole step 2 from rank 0 on both ranges");
        for (final LoopedShard shard : shards)
        {
            assertEquals(List.of(0L, 1L, 2L), shard.applied());
            assertEquals(0, shard.last().refused(), "both shards weigh rank 0's two data shards alike");
        }
    }

    @Test
    void shouldEvaluateAnEpochOnEveryShardsRangeOfItsEnd()
    {
        start("consistency = async");
        final long last = plan.stepsPerEpoch() - 1;
        for (long step = 0; step < last; step++)
        {
            workers[0].push(step, 1, both());
            workers[1].push(step, 1, both());
        }
        workers[0].push(last, 1, both());
        workers[1].push(last, 1, new boolean[]{ true, false });
        assertEquals(last - 1, shards[0].last().step(), "the coordinator closed the epoch's last step, and holds " +
            "it until shard 1's range of that moment came");
        final float[] coordinatorRange = shards[0].range();

        workers[0].push(last + 1, 1, both());
        assertEquals(last - 1, shards[0].last().step(), "no step closes while the epoch is held");
        workers[1].push(last, 1, new boolean[]{ false, true });
        assertNull(shards[1].last().epochEnd(), "shard 1 evaluates nothing");
        final StepLoop.Applied end = shards[0].last();
        assertEquals(last, end.step());
        assertNotNull(end.epochEnd(), "the epoch's evaluation");
        final float[] evaluated = shards[0].engine.model().parameters().toFloatVector();
        final float[] expected = new float[evaluated.length];
        System.arraycopy(coordinatorRange, 0, expected, 0, coordinatorRange.length);
        final float[] follower = shards[1].range();
        System.arraycopy(follower, 0, expected, coordinatorRange.length, follower.length);
        assertArrayEquals(expected, evaluated, "the coordinator's range when it closed the epoch (not the one it " +
            "applied rank 0's next step to since), then shard 1's");
    }

    /**
     * Async's checkpoint guard: between a drop and its acknowledgement the coordinator closes every step the fastest
     * worker ran ahead while shard 1 still waits for the dropped rank; it deletes none of its checkpoints meanwhile
     * (with {@code keep = 1} it would keep two), so the newest complete one survives, and rotates again after.
     */
    @Test
    void shouldKeepTheNewestCompleteCheckpointWhileAShardLagsAfterADropUnderAsync(@TempDir final Path dir)
    {
        start("consistency = async, checkpoint { dir = \"" + dir + "\", every-steps = 1, keep = 1 }");
        final long[] bounds = shards[0].engine.shardPlan().bounds();
        workers[0].push(0, 1, both());
        workers[1].push(0, 1, both());
        assertEquals(1, ShardCheckpoints.latestComplete(dir, bounds));
        // Rank 1 dies while pushing step 1: the coordinator got it, shard 1 did not. Rank 0 runs three steps ahead.
        workers[1].push(1, 1, new boolean[]{ true, false });
        for (long step = 1; step <= 3; step++)
        {
            workers[0].push(step, 1, both());
        }
        final long from = shards[0].loop.drop(1);
        assertEquals(List.of(0L, 1L, 2L, 3L), shards[0].applied(), "the coordinator closed steps 1-3");
        assertEquals(List.of(0L), shards[1].applied(), "shard 1 waits for rank 1's step 1");
        assertArrayEquals(new long[]{ 1, 2, 3, 4 }, CheckpointStore.steps(ShardCheckpoints.part(dir, 0, 2)),
            "nothing deleted while the drop is not acknowledged");
        assertEquals(1, ShardCheckpoints.latestComplete(dir, bounds), "the newest complete checkpoint survives");

        shards[1].loop.leave(1, from);
        shards[0].loop.acknowledged();
        assertEquals(4, ShardCheckpoints.latestComplete(dir, bounds), "shard 1 caught up");
        // Step 4 was opened before the drop (rank 0 was ordered it): rank 0 computes its own data shard.
        workers[0].push(4, 1, both());
        assertArrayEquals(new long[]{ 4, 5 }, CheckpointStore.steps(ShardCheckpoints.part(dir, 0, 2)),
            "rotating again: keep + 1");
        assertEquals(5, ShardCheckpoints.latestComplete(dir, bounds));
    }

    @Test
    void shouldClipEachRangeByTheWholeGradientsReportedNormAsOneServerWould()
    {
        start("consistency = ssp, staleness = 1", CLIPPED);
        final float[][] before = ranges();
        workers[0].push(0, 1, both(), workers[0].squares(0));
        // One server clips rank 0's gradient at its share 1/2, of norm g·√n / 2, to the bound: each value
        // becomes clip-norm / √n.
        assertUpdate(before, (float)(CLIP / Math.sqrt(floats())), 1e-7f, "rank 0's step 0 clipped to the bound");
        for (final LoopedShard shard : shards)
        {
            assertEquals(1, shard.engine.clippedSteps());
        }
    }

    @Test
    void shouldRefuseAGradientWhoseReportedNormIsNotANormAndCountIt()
    {
        start("consistency = ssp, staleness = 1", CLIPPED);
        final float[][] before = ranges();
        workers[0].push(0, 1, both(), Double.NaN);
        workers[1].push(0, 1, both(), workers[1].squares(0));
        assertUpdate(before, (float)(CLIP / Math.sqrt(floats())), 1e-7f, "rank 1's half of step 0 alone, clipped");
        for (final LoopedShard shard : shards)
        {
            assertEquals(List.of(0L), shard.applied());
            assertEquals(1, shard.last().refused(), "rank 0's step 0, refused on each shard");
        }
        workers[0].push(1, 1, both(), -1.0);
        workers[1].push(1, 1, both(), workers[1].squares(1));
        for (final LoopedShard shard : shards)
        {
            assertEquals(List.of(0L, 1L), shard.applied());
            assertEquals(2, shard.last().refused(), "rank 0's NaN and negative norms, refused on each shard");
        }
    }

    @Test
    void shouldFindAGradientWhoseReportedNormIsInfiniteDiverged()
    {
        start("consistency = ssp, staleness = 1", CLIPPED);
        final float[][] before = ranges();
        workers[0].push(0, 1, both(), Double.POSITIVE_INFINITY);
        for (int shard = 0; shard < 2; shard++)
        {
            final ParameterServer.PrivateCommand last = shards[shard].told.get(shards[shard].told.size() - 1);
            assertTrue(last instanceof StepLoop.Halted halted && halted.reason().contains("diverged"),
                "a value of the gradient is not finite, on some shard: " + last);
            assertArrayEquals(before[shard], shards[shard].range(), "nothing applied");
        }
    }

    private int floats()
    {
        return shards[0].engine.floats() + shards[1].engine.floats();
    }

    private float[][] ranges()
    {
        return new float[][]{ shards[0].range(), shards[1].range() };
    }

    private static boolean[] both()
    {
        return new boolean[]{ true, true };
    }

    /** @return a distinct gradient value per rank and step, of a few binary digits. */
    private static float g(final int rank, final long step)
    {
        return (rank + 1) / 16f + (step % 5) / 8f;
    }

    /** Plain SGD on both ranges: {@code w ← w − rate · g}, each weight rounded once, as float32 arithmetic does. */
    private void assertUpdate(final float[][] before, final float g, final String what)
    {
        assertUpdate(before, g, 0.0f, what);
    }

    /** {@link #assertUpdate(float[][], float, String)} within {@code delta}, or bit for bit when it is 0. */
    private void assertUpdate(final float[][] before, final float g, final float delta, final String what)
    {
        for (int shard = 0; shard < 2; shard++)
        {
            final float[] expected = new float[before[shard].length];
            for (int i = 0; i < expected.length; i++)
            {
                expected[i] = before[shard][i] - RATE * g;
            }
            if (delta == 0.0f)
            {
                assertArrayEquals(expected, shards[shard].range(), what + ", shard " + shard);
            }
            else
            {
                assertArrayEquals(expected, shards[shard].range(), delta, what + ", shard " + shard);
            }
        }
    }

    /** One worker process on a rank: a data plane and an outlet per shard, each shard connected to it. */
    private final class Worker
    {
        private final int rank;
        private final InMemoryDataPlane[] planes = new InMemoryDataPlane[2];
        private final Outlet[] outlets = new Outlet[2];
        private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));

        Worker(final int rank)
        {
            this.rank = rank;
            for (int shard = 0; shard < 2; shard++)
            {
                planes[shard] = network.newPlane("w" + rank + "-" + shard);
                outlets[shard] = planes[shard].outlet(shards[shard].plane.endpoint());
                assertNull(shards[shard].engine.connect(rank, planes[shard].endpoint(), 0));
            }
        }

        /** @return the squared norm of this rank's whole gradient of {@code step}: {@link #g} at every float. */
        double squares(final long step)
        {
            final double g = g(rank, step);
            return g * g * floats();
        }

        /**
         * @return the steps {@code shard} ordered this worker: its weights (and the coordinator's order) per step,
         * counted as unexpected messages (the worker expects none).
         */
        long ordered(final int shard)
        {
            return planes[shard].stats().rejectedUnexpected() / (shard == 0 ? 2 : 1);
        }

        /**
         * Sends each shard in {@code to} its range of a gradient of value {@link #g} for {@code step}, then a report
         * of {@code dataShards}' rows.
         */
        void push(final long step, final int dataShards, final boolean[] to)
        {
            push(step, dataShards, to, Double.NaN);
        }

        /** As {@link #push(long, int, boolean[])}, reporting the gradient's squared norm {@code squares}. */
        void push(final long step, final int dataShards, final boolean[] to, final double squares)
        {
            final int rows = plan.batchRows(plan.batchOf(step)) * dataShards;
            new GradientMeta(rows, 0.5, rows, 0, 0, 0, 0, TransportStats.NONE, squares).encode(meta);
            for (int shard = 0; shard < 2; shard++)
            {
                if (!to[shard])
                {
                    continue;
                }
                shards[shard].push(outlets[shard], shard, rank, step, g(rank, step), meta);
            }
        }
    }
}
