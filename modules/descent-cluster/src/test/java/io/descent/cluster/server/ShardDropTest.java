package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker lost with two parameter-server shards, on the step loops of the coordinator and of shard 1 over the
 * in-memory data plane, driven on the test thread (which plays both compute threads). The worker dies after
 * delivering its gradient of a step to one shard only: each shard completes that step on the gradients it received
 * (averaged over their examples), the coordinator closes nothing until shard 1 acknowledged the drop, and from the
 * step the coordinator names on both shards order the same live ranks with the lost rank's data shard reassigned, so
 * neither refuses a report. Plain SGD at learning rate 0.5 with a distinct constant gradient per rank and step.
 */
class ShardDropTest
{
    private static final int RANKS = 3;
    private static final float RATE = 0.5f;
    /** 10-256-3: 3,587 floats, two ranges of at least 4 KiB. */
    private static final String JOB = "model { layers = [ { type = dense, units = 256, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 3, learning-rate = 0.5, momentum = 0.0 }";

    private InMemoryNetwork network;
    private final LoopedShard[] shards = new LoopedShard[2];
    private StepPlan plan;

    @BeforeEach
    void start()
    {
        final TestJob job = TestJob.of(JOB);
        network = new InMemoryNetwork();
        final InMemoryDataPlane coordinatorPlane = network.newPlane("ps");
        final ServerSetup coordinator = job.server(TestJob.settings(RANKS, "servers = 2, shard-min-bytes = 4k"),
            coordinatorPlane, null);
        shards[0] = new LoopedShard(coordinator, coordinatorPlane);
        final InMemoryDataPlane followerPlane = network.newPlane("ps-shard-1");
        final ServerEngine first = shards[0].engine;
        shards[1] = new LoopedShard(job.server(TestJob.settings(RANKS, "servers = 2, shard-min-bytes = 4k"), followerPlane,
            null).withRole(new ShardRole(1, first.shardPlan().bounds(), first.identity().incarnation(),
            coordinatorPlane.endpoint(), -1)), followerPlane);
        plan = coordinator.plan();
        assertEquals(2, first.shardPlan().shards(), first.shardPlan().toString());
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

    /**
     * Rank 2 delivers step 0 to shard 1 only, which closes it with all three and orders step 1; the coordinator drops
     * rank 2 from step 1 and holds step 0 until shard 1 planned step 1 again without it.
     */
    @Test
    void shouldReplanTheNextStepOnAShardThatClosedTheStepWithTheLostRank()
    {
        final Worker[] workers = workers();
        startAll();
        final float[][] before = weights();
        workers[0].push(0, 1, both());
        workers[1].push(0, 1, both());
        workers[2].push(0, 1, new boolean[]{false, true});
        assertEquals(List.of(0L), shards[1].applied(), "shard 1 has every gradient of step 0");
        assertEquals(List.of(), shards[0].applied(), "the coordinator waits for rank 2");

        assertEquals(1, shards[0].loop.drop(2), "rank 2 is ordered no more from step 1");
        assertEquals(List.of(), shards[0].applied(), "no step closes before every shard took the drop in");
        shards[1].loop.leave(2, 1);
        shards[0].loop.acknowledged();
        assertEquals(List.of(0L), shards[0].applied());
        assertUpdate(before[0], shards[0].range(), (g(0, 0) + g(1, 0)) / 2, "the coordinator's range");
        assertUpdate(before[1], shards[1].range(), (g(0, 0) + g(1, 0) + g(2, 0)) / 3, "shard 1's range");

        // Step 1: rank 0 computes rank 2's data shard too (2 % 2 live ranks), on both shards.
        final float[][] step1 = weights();
        workers[0].push(1, 2, both());
        workers[1].push(1, 1, both());
        assertStep(1, step1, (2 * g(0, 1) + g(1, 1)) / 3);
    }

    /**
     * Rank 2 delivers step 0 to the coordinator only, which closes it and orders step 1 with it; the coordinator then
     * drops it from step 2: shard 1 completes step 0 without it and keeps it in step 1's orders, expected nowhere.
     */
    @Test
    void shouldKeepTheLostRankInTheOrdersBeforeTheCoordinatorsStep()
    {
        final Worker[] workers = workers();
        startAll();
        final float[][] before = weights();
        workers[0].push(0, 1, both());
        workers[1].push(0, 1, both());
        workers[2].push(0, 1, new boolean[]{true, false});
        assertEquals(List.of(0L), shards[0].applied());
        assertEquals(List.of(), shards[1].applied(), "shard 1 waits for rank 2");

        assertEquals(2, shards[0].loop.drop(2), "step 1 was ordered with rank 2");
        shards[1].loop.leave(2, 2);
        assertEquals(List.of(0L), shards[1].applied(), "shard 1 completed step 0 without rank 2");
        assertUpdate(before[0], shards[0].range(), (g(0, 0) + g(1, 0) + g(2, 0)) / 3, "coordinator");
        assertUpdate(before[1], shards[1].range(), (g(0, 0) + g(1, 0)) / 2, "shard 1");

        final float[][] step1 = weights();
        workers[0].push(1, 1, both());
        workers[1].push(1, 1, both());
        assertEquals(List.of(0L), shards[0].applied(), "the coordinator holds step 1 until shard 1 acknowledged");
        shards[0].loop.acknowledged();
        assertStep(1, step1, (g(0, 1) + g(1, 1)) / 2);

        final float[][] step2 = weights();
        workers[0].push(2, 2, both());
        workers[1].push(2, 1, both());
        assertStep(2, step2, (2 * g(0, 2) + g(1, 2)) / 3);
    }

    /**
     * Rank 2 is lost in step 0 on both shards; a replacement is admitted by the coordinator no earlier than one step
     * after its next step to order, and holds its step until shard 1 took the join in: both shards order it from the
     * join step on, the steps before without it.
     */
    @Test
    void shouldOrderAJoinerFromItsJoinStepOnEveryShard()
    {
        final Worker[] workers = workers();
        startAll();
        assertEquals(1, shards[0].loop.drop(2));
        shards[1].loop.leave(2, 1);
        shards[0].loop.acknowledged();
        workers[0].push(0, 1, both());
        workers[1].push(0, 1, both());
        assertEquals(List.of(0L), shards[0].applied());
        assertEquals(List.of(0L), shards[1].applied());

        assertEquals(3, shards[0].loop.admit(2, 2), "step 2 may already be ordered by shard 1: too late");
        assertEquals(-1, shards[0].loop.admit(2, 3));
        final float[][] step1 = weights();
        workers[0].push(1, 2, both());
        workers[1].push(1, 1, both());
        assertEquals(List.of(0L), shards[0].applied(), "the coordinator holds step 1 until shard 1 took the join in");
        shards[1].loop.join(2, 3);
        shards[0].loop.acknowledged();
        assertStep(1, step1, (2 * g(0, 1) + g(1, 1)) / 3);

        final float[][] step2 = weights();
        workers[0].push(2, 2, both());
        workers[1].push(2, 1, both());
        assertStep(2, step2, (2 * g(0, 2) + g(1, 2)) / 3);

        final Worker joiner = new Worker(2);
        final float[][] step3 = weights();
        workers[0].push(3, 1, both());
        workers[1].push(3, 1, both());
        joiner.push(3, 1, both());
        assertStep(3, step3, (g(0, 3) + g(1, 3) + g(2, 3)) / 3);
    }

    /** Both shards applied {@code step} with the same mean, and neither refused or ignored a gradient. */
    private void assertStep(final long step, final float[][] before, final float mean)
    {
        for (int shard = 0; shard < 2; shard++)
        {
            final List<Long> applied = shards[shard].applied();
            assertEquals(step, applied.get(applied.size() - 1), "shard " + shard);
            assertUpdate(before[shard], shards[shard].range(), mean, "shard " + shard + ", step " + step);
            final StepLoop.Applied last = shards[shard].last();
            assertEquals(0, last.refused(), "shard " + shard + " refused no report");
        }
    }

    private void startAll()
    {
        for (final LoopedShard shard : shards)
        {
            shard.loop.start(new int[]{ 0, 1, 2 });
        }
    }

    private float[][] weights()
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

    /**
     * Plain SGD on a range: {@code w ← w − rate · mean}, up to float rounding (thirds are not exact); the means
     * this test tells apart differ by more than 1e-2.
     */
    private static void assertUpdate(final float[] before, final float[] after, final float mean, final String what)
    {
        assertEquals(before.length, after.length, what);
        for (int i = 0; i < before.length; i++)
        {
            assertEquals(before[i] - RATE * mean, after[i], 1e-6, what + ", float " + i);
        }
    }

    private Worker[] workers()
    {
        final Worker[] workers = new Worker[RANKS];
        for (int rank = 0; rank < RANKS; rank++)
        {
            workers[rank] = new Worker(rank);
        }
        return workers;
    }

    /** One worker process on a rank: an outlet to each shard. */
    private final class Worker
    {
        private final int rank;
        private final Outlet[] outlets = new Outlet[2];
        private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));

        Worker(final int rank)
        {
            this.rank = rank;
            final InMemoryDataPlane own = network.newPlane("w" + rank);
            for (int shard = 0; shard < 2; shard++)
            {
                outlets[shard] = own.outlet(shards[shard].plane.endpoint());
            }
        }

        /**
         * Sends each shard in {@code to} its range of a gradient of value {@link #g} for {@code step}, then a report
         * of {@code dataShards}' rows.
         */
        void push(final long step, final int dataShards, final boolean[] to)
        {
            final int rows = plan.batchRows(plan.batchOf(step)) * dataShards;
            new GradientMeta(rows, 0.5, rows, 0, 0, 0, 0, TransportStats.NONE).encode(meta);
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
