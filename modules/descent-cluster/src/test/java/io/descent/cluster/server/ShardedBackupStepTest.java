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
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code backup} with {@code backup-workers = 1}, three ranks and two parameter-server shards, on the step loops of
 * the coordinator and of shard 1 over the in-memory data plane, driven on the test thread (which plays both compute
 * threads and the actors between them), next to one server given the same arrivals. The coordinator closes each step
 * on the first two ranks complete at it; shard 1 sums nothing before it is told those ranks ({@link
 * StepLoop.StepRanks}, which the test hands over as the actors would) and then closes on exactly them, even when
 * another rank's gradient reached it first: every range averages the same workers, so the two ranges put together are
 * bitwise the one server's weights. The ranks left out are counted as late on each shard. Plain SGD at learning rate
 * 0.5 with a distinct constant gradient per rank and step.
 */
class ShardedBackupStepTest
{
    private static final int RANKS = 3;
    private static final String BACKUP = "consistency = backup, backup-workers = 1";
    /** 10-256-3: 3,587 floats, two ranges of at least 4 KiB. */
    private static final String JOB = "model { layers = [ { type = dense, units = 256, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 3, learning-rate = 0.5, momentum = 0.0 }";

    private InMemoryNetwork network;
    private final LoopedShard[] shards = new LoopedShard[2];
    private LoopedShard single;
    private StepPlan plan;
    private Worker[] workers;
    /** How many of the coordinator's {@link StepLoop.StepRanks} were handed to shard 1 so far. */
    private int forwarded;

    @BeforeEach
    void start()
    {
        final TestJob job = TestJob.of(JOB);
        network = new InMemoryNetwork();
        final String sharded = "servers = 2, shard-min-bytes = 4k, " + BACKUP;
        final InMemoryDataPlane coordinatorPlane = network.newPlane("ps");
        final ServerSetup coordinator = job.server(TestJob.settings(RANKS, sharded), coordinatorPlane, null);
        shards[0] = new LoopedShard(coordinator, coordinatorPlane);
        final InMemoryDataPlane followerPlane = network.newPlane("ps-shard-1");
        final ServerEngine first = shards[0].engine;
        shards[1] = new LoopedShard(job.server(TestJob.settings(RANKS, sharded), followerPlane, null).withRole(
            new ShardRole(1, first.shardPlan().bounds(), first.identity().incarnation(), coordinatorPlane.endpoint(),
                -1)), followerPlane);
        final InMemoryDataPlane singlePlane = network.newPlane("ps-single");
        single = new LoopedShard(job.server(TestJob.settings(RANKS, BACKUP), singlePlane, null), singlePlane);
        plan = coordinator.plan();
        assertEquals(2, first.shardPlan().shards(), first.shardPlan().toString());
        workers = new Worker[RANKS];
        for (int rank = 0; rank < RANKS; rank++)
        {
            workers[rank] = new Worker(rank);
        }
        for (final LoopedShard shard : List.of(shards[0], shards[1], single))
        {
            shard.loop.start(new int[]{ 0, 1, 2 });
        }
    }

    @AfterEach
    void stop()
    {
        for (final LoopedShard shard : List.of(shards[0], shards[1], single))
        {
            shard.engine.close();
        }
        network.close();
    }

    @Test
    void shouldCloseEveryStepOnTheCoordinatorsRanksOnBothShardsAndEqualOneServer()
    {
        // Step 0, the first: every rank is waited for. Shard 1 has them all, and still waits for the coordinator.
        for (final Worker worker : workers)
        {
            worker.push(0, true, true, true);
        }
        assertEquals(List.of(0L), shards[0].applied());
        assertEquals(List.of(), shards[1].applied(), "shard 1 closes no step on its own under backup");
        forward();
        assertEquals(List.of(0L), shards[1].applied());
        assertWholeVector("step 0, every rank");

        // Step 1: rank 0's gradient reaches shard 1 first but the coordinator closes on ranks 1 and 2.
        workers[0].push(1, false, true, false);
        workers[1].push(1, true, true, true);
        workers[2].push(1, true, true, true);
        assertEquals(List.of(0L, 1L), shards[0].applied(), "two of three in, rank 0 had delivered step 0");
        assertEquals(List.of(0L), shards[1].applied(), "every rank is in on shard 1, which waits for the ranks");
        forward();
        assertEquals(List.of(0L, 1L), shards[1].applied());
        workers[0].push(1, true, false, true);
        assertWholeVector("step 1 on ranks 1 and 2, rank 0 late everywhere");

        // Step 2: rank 1 reaches shard 1 only; the coordinator closes on ranks 0 and 2.
        workers[1].push(2, false, true, false);
        workers[0].push(2, true, true, true);
        workers[2].push(2, true, true, true);
        forward();
        workers[1].push(2, true, false, true);
        assertWholeVector("step 2 on ranks 0 and 2");

        assertEquals(List.of(new Closed(0, List.of(0, 1, 2)), new Closed(1, List.of(1, 2)),
            new Closed(2, List.of(0, 2))), closedOn(), "the ranks the coordinator named, one record per step");
        for (final LoopedShard shard : List.of(shards[0], shards[1], single))
        {
            assertEquals(List.of(0L, 1L, 2L), shard.applied());
            final StepLoop.Applied last = shard.last();
            assertEquals(2, last.closedEarly(), "steps 1 and 2 closed without a rank");
            assertEquals(2L * plan.batchRows(plan.batchOf(2)), last.examples(), "two ranks' examples");
        }
        assertEquals(1, shards[0].last().late(), "rank 0's step 1 came late to the coordinator by step 2");
        assertEquals(2, shards[1].last().late(), "shard 1 had rank 0's step 1 and rank 1's step 2 before it closed");

        // Step 3 closes on ranks 0 and 1: rank 1's late step 2 is counted (the coordinator's next record shows it).
        workers[0].push(3, true, true, true);
        workers[1].push(3, true, true, true);
        forward();
        workers[2].push(3, true, true, true);
        assertWholeVector("step 3 on ranks 0 and 1");
        assertEquals(2, shards[0].last().late());
        assertEquals(2, shards[1].last().late());
        assertEquals(3, shards[0].last().closedEarly());
        assertEquals(3, shards[1].last().closedEarly());
    }

    @Test
    void shouldCloseOnTheNamedRanksLeftWhenOneOfThemIsDroppedBeforeReachingShardOne()
    {
        for (final Worker worker : workers)
        {
            worker.push(0, true, true, true);
        }
        forward();
        // Rank 1 reaches the coordinator in step 1 and dies before reaching shard 1.
        workers[1].push(1, true, false, false);
        workers[2].push(1, true, true, false);
        assertEquals(List.of(0L, 1L), shards[0].applied());
        forward();
        assertEquals(List.of(0L), shards[1].applied(), "shard 1 waits for rank 1, one of the coordinator's ranks");
        assertEquals(3, shards[0].loop.drop(1), "rank 1 is out of the orders from step 3, the first not ordered");
        shards[1].loop.leave(1, 3);
        shards[0].loop.acknowledged();
        assertEquals(List.of(0L, 1L), shards[1].applied(), "step 1 closes on rank 2 alone on shard 1");
        assertEquals(0, shards[1].last().refused());
    }

    /** Hands shard 1 every {@link StepLoop.StepRanks} the coordinator told its actor since the last call. */
    private void forward()
    {
        final List<StepLoop.StepRanks> told = shards[0].told.stream()
            .filter(StepLoop.StepRanks.class::isInstance).map(StepLoop.StepRanks.class::cast).toList();
        for (; forwarded < told.size(); forwarded++)
        {
            shards[1].loop.onStepRanks(told.get(forwarded).step(), told.get(forwarded).ranks());
        }
    }

    private List<Closed> closedOn()
    {
        final List<Closed> closed = new ArrayList<>();
        for (final ParameterServer.PrivateCommand command : shards[0].told)
        {
            if (command instanceof StepLoop.StepRanks ranks)
            {
                closed.add(new Closed(ranks.step(), java.util.Arrays.stream(ranks.ranks()).boxed().toList()));
            }
        }
        return closed;
    }

    private record Closed(long step, List<Integer> ranks)
    {
    }

    /** Both shards' ranges, put together, are bitwise the one server's weights. */
    private void assertWholeVector(final String what)
    {
        final float[] coordinator = shards[0].range();
        final float[] follower = shards[1].range();
        final float[] whole = new float[coordinator.length + follower.length];
        System.arraycopy(coordinator, 0, whole, 0, coordinator.length);
        System.arraycopy(follower, 0, whole, coordinator.length, follower.length);
        assertArrayEquals(single.range(), whole, what);
    }

    /** @return a distinct gradient value per rank and step, of a few binary digits. */
    private static float g(final int rank, final long step)
    {
        return (rank + 1) / 16f + (step % 5) / 8f;
    }

    /** One worker process on a rank: an outlet to each shard and to the single server. */
    private final class Worker
    {
        private final int rank;
        private final Outlet[] outlets = new Outlet[2];
        private final Outlet toSingle;
        private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));

        Worker(final int rank)
        {
            this.rank = rank;
            final InMemoryDataPlane own = network.newPlane("w" + rank);
            for (int shard = 0; shard < 2; shard++)
            {
                outlets[shard] = own.outlet(shards[shard].plane.endpoint());
            }
            toSingle = own.outlet(single.plane.endpoint());
        }

        /** Sends its gradient of {@code step} to the coordinator, shard 1 and the single server, as flagged. */
        void push(final long step, final boolean coordinator, final boolean follower, final boolean one)
        {
            final int rows = plan.batchRows(plan.batchOf(step));
            new GradientMeta(rows, 0.5, rows, 0, 0, 0, 0, TransportStats.NONE).encode(meta);
            if (coordinator)
            {
                shards[0].push(outlets[0], 0, rank, step, g(rank, step), meta);
            }
            if (follower)
            {
                shards[1].push(outlets[1], 1, rank, step, g(rank, step), meta);
            }
            if (one)
            {
                single.push(toSingle, 0, rank, step, g(rank, step), meta);
            }
        }
    }
}
