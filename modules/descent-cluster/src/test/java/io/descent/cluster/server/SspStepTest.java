package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ssp and async step cycle ({@link SspLoop}) over the in-memory data plane, driven on the test thread: each
 * gradient is applied on arrival at its share of the step (plain SGD at rate 0.5, exact in float32), the new weights
 * go back to the pushing worker alone, a worker more than s steps ahead of the slowest is held until the slowest's
 * step closes, steps close in order once every live rank delivered them, a lost rank releases the others, and the
 * staleness of every applied gradient is counted. Pipelined ({@code pipeline = on}) each rank has two steps
 * ordered at once, still within the bound, and a gradient of the next step lands apart from one not yet applied.
 */
class SspStepTest
{
    private static final int RANKS = 2;
    private static final float RATE = 0.5f;
    /** Weights and order: the messages a worker gets per step it is ordered. */
    private static final int PER_ORDER = 2;

    private InMemoryNetwork network;
    private InMemoryDataPlane plane;
    private ServerEngine engine;
    private StepLoop loop;
    private StepPlan plan;
    private JobIdentity identity;
    private Worker[] workers;
    private final List<ParameterServer.PrivateCommand> told = new ArrayList<>();

    private void start(final String consistency)
    {
        final TestJob job = TestJob.of("train { batch-size = 30, epochs = 3, learning-rate = 0.5, momentum = 0.0 }");
        network = new InMemoryNetwork();
        plane = network.newPlane("ps");
        final ServerSetup setup = job.server(TestJob.settings(RANKS, consistency), plane, null);
        engine = new ServerEngine(setup);
        plan = setup.plan();
        identity = engine.identity();
        loop = new StepLoop(setup, engine, told::add, Runnable::run, LoggerFactory.getLogger(SspStepTest.class));
        workers = new Worker[RANKS];
        for (int rank = 0; rank < RANKS; rank++)
        {
            workers[rank] = new Worker(rank);
        }
        final StepLoop.Started started = loop.start(new int[]{ 0, 1 });
        assertEquals(List.of(), started.failed());
    }

    @AfterEach
    void stop()
    {
        engine.close();
        network.close();
    }

    @Test
    void shouldHoldAWorkerMoreThanStalenessStepsAheadUntilTheSlowestStepCloses()
    {
        start("consistency = ssp, staleness = 2");
        for (long step = 0; step <= 2; step++)
        {
            final float[] before = engine.weights();
            workers[0].push(step, gradient(0, step), 1);
            assertUpdate(before, engine.weights(), gradient(0, step) / 2, "rank 0's step " + step + " alone, at 1/2");
        }
        assertEquals(3 * PER_ORDER, workers[0].received(), "steps 0..2 ordered, 3 held: step 0 is open");
        assertEquals(PER_ORDER, workers[1].received(), "the weights went to the pushing worker alone");
        assertTrue(told.isEmpty(), "no step closed: " + told);

        // Held at step 3, rank 0 pushes it anyway: it was not ordered, nothing is applied.
        final float[] held = engine.weights();
        workers[0].push(3, 1000f, 1);
        assertArrayEquals(held, engine.weights());

        workers[1].push(0, gradient(1, 0), 1);
        assertUpdate(held, engine.weights(), gradient(1, 0) / 2, "rank 1's step 0");
        final StepLoop.Applied first = applied(0);
        assertEquals(2L * plan.batchRows(plan.batchOf(0)), first.examples());
        assertArrayEquals(new long[]{ 2, 1, 1 }, first.staleness().steps(), "rank 0 computed steps 0, 1, 2 on " +
            "weights without rank 1's step 0: staleness 0, 1, 2; rank 1's step 0: 0");
        assertArrayEquals(new long[]{ 3, 0, 0, 1 }, first.staleness().versionLag(), "rank 1's gradient came 3 " +
            "updates after its weights");
        assertEquals(4 * PER_ORDER, workers[0].received(), "step 0 closed: rank 0 is released to step 3");
        assertEquals(2 * PER_ORDER, workers[1].received());

        final float[] before = engine.weights();
        workers[0].push(3, gradient(0, 3), 1);
        assertUpdate(before, engine.weights(), gradient(0, 3) / 2, "rank 0's step 3");
        assertEquals(1, told.size(), "step 1 waits for rank 1");
        assertRankOneClosesStepOneAndReleasesRankZeroToStepFour();
    }

    @Test
    void shouldLetAnAsyncWorkerRunAheadWithoutBound()
    {
        start("consistency = async");
        for (long step = 0; step < 10; step++)
        {
            workers[0].push(step, gradient(0, step), 1);
        }
        assertEquals(11 * PER_ORDER, workers[0].received());
        assertTrue(told.isEmpty());
        workers[1].push(0, gradient(1, 0), 1);
        assertEquals(0, applied(0).step());
        assertEquals(9, applied(0).staleness().maxSteps(), "rank 0's step 9 on weights without rank 1's step 0");
        assertEquals(10, applied(0).staleness().maxVersionLag(), "rank 1's step 0 after 10 of rank 0's updates");
    }

    @Test
    void shouldCloseTheStepsALostRankHeldAndGiveItsShardToTheOthers()
    {
        start("consistency = ssp, staleness = 1");
        workers[0].push(0, gradient(0, 0), 1);
        workers[0].push(1, gradient(0, 1), 1);
        assertEquals(2 * PER_ORDER, workers[0].received(), "held at step 2");
        loop.drop(1);
        assertEquals(List.of(0L, 1L), told.stream().map(c -> ((StepLoop.Applied)c).step()).toList(),
            "steps 0 and 1 close without rank 1");
        assertEquals(3 * PER_ORDER, workers[0].received(), "released to step 2");
        final float[] before = engine.weights();
        workers[0].push(2, gradient(0, 2), 2);
        assertUpdate(before, engine.weights(), gradient(0, 2), "rank 0 computes both shards: the whole step");
        assertEquals(2, applied(2).step());
    }

    @Test
    void shouldOrderTwoStepsAheadWhenPipelinedAndStillHoldAtTheBound()
    {
        start("consistency = ssp, staleness = 2, pipeline = on");
        assertEquals(2 * PER_ORDER, workers[0].received(), "steps 0 and 1 ordered at the start");
        assertEquals(2 * PER_ORDER, workers[1].received());
        final float[] start = engine.weights();
        workers[0].push(0, gradient(0, 0), 1);
        assertUpdate(start, engine.weights(), gradient(0, 0) / 2, "rank 0's step 0");
        assertEquals(3 * PER_ORDER, workers[0].received(), "its step 0 applied: step 2 ordered (step 1 in hand)");
        workers[0].push(1, gradient(0, 1), 1);
        assertEquals(3 * PER_ORDER, workers[0].received(), "step 3 needs step 0 closed: held");
        workers[0].push(2, gradient(0, 2), 1);
        assertEquals(3 * PER_ORDER, workers[0].received(), "still held at step 3");
        assertEquals(2 * PER_ORDER, workers[1].received(), "the weights went to the pushing worker alone");
        assertTrue(told.isEmpty(), "no step closed: " + told);

        workers[1].push(0, gradient(1, 0), 1);
        final StepLoop.Applied first = applied(0);
        assertArrayEquals(new long[]{ 2, 1, 1 }, first.staleness().steps(), "rank 0's steps 0, 1, 2 were " +
            "computed on weights read while step 0 was open: staleness 0, 1, 2; rank 1's step 0: 0");
        assertArrayEquals(new long[]{ 1, 2, 0, 1 }, first.staleness().versionLag(), "rank 0's steps 1 and 2 " +
            "came one update after their weights (step 1's were sent at the start, step 2's after step 0 applied), " +
            "rank 1's step 0 three");
        assertEquals(4 * PER_ORDER, workers[0].received(), "step 0 closed: rank 0 released to step 3, no further " +
            "(its window holds steps 3 and, once allowed, 4)");
        assertEquals(3 * PER_ORDER, workers[1].received(), "rank 1 ordered step 2");

        workers[0].push(3, gradient(0, 3), 1);
        assertRankOneClosesStepOneAndReleasesRankZeroToStepFour();
    }

    @Test
    void shouldKeepAGradientOfTheNextStepApartFromTheOneNotYetApplied()
    {
        start("consistency = ssp, staleness = 2, pipeline = on");
        final float[] start = engine.weights();
        workers[0].pushData(0, gradient(0, 0));
        workers[0].pushData(1, gradient(0, 1));
        workers[0].pushMeta(1, 1);
        assertUpdate(start, engine.weights(), gradient(0, 1) / 2, "step 1's gradient applied first, from its slot");
        final float[] after = engine.weights();
        workers[0].pushMeta(0, 1);
        assertUpdate(after, engine.weights(), gradient(0, 0) / 2, "step 0's gradient, not overwritten by step 1's");
    }

    @Test
    void shouldCloseBothStepsALostPipelinedRankHad()
    {
        start("consistency = ssp, staleness = 1, pipeline = on");
        workers[0].push(0, gradient(0, 0), 1);
        workers[0].push(1, gradient(0, 1), 1);
        assertEquals(2 * PER_ORDER, workers[0].received(), "steps 0 and 1 ordered at the start, held at step 2");
        assertEquals(2 * PER_ORDER, workers[1].received(), "rank 1 has steps 0 and 1 ordered, delivers neither");
        loop.drop(1);
        assertEquals(List.of(0L, 1L), told.stream().map(c -> ((StepLoop.Applied)c).step()).toList(),
            "steps 0 and 1 close without rank 1");
        assertEquals(4 * PER_ORDER, workers[0].received(), "released to step 2, and step 3 (step 1 closed)");
        for (long step = 2; step <= 3; step++)
        {
            final float[] before = engine.weights();
            workers[0].push(step, gradient(0, step), 2);
            assertUpdate(before, engine.weights(), gradient(0, step), "rank 0 computes both shards of step " + step);
            assertEquals(step, applied(step).step());
        }
    }

    /** Rank 0 pushed step 3 and is held at step 4 (s = 2): rank 1's step 1 closes step 1 and releases it. */
    private void assertRankOneClosesStepOneAndReleasesRankZeroToStepFour()
    {
        assertEquals(4 * PER_ORDER, workers[0].received(), "step 4 needs step 1 closed");
        workers[1].push(1, gradient(1, 1), 1);
        assertEquals(1, applied(1).step());
        assertEquals(5 * PER_ORDER, workers[0].received(), "released to step 4");
        assertEquals(2, applied(1).staleness().maxSteps(), "never above s");
    }

    private StepLoop.Applied applied(final long step)
    {
        final StepLoop.Applied applied = assertInstanceOf(StepLoop.Applied.class, told.get(told.size() - 1));
        assertEquals(step, applied.step());
        return applied;
    }

    private static float gradient(final int rank, final long step)
    {
        return (rank + 1) / 16f + (step % 5) / 8f;
    }

    /** Plain SGD: {@code w ← w − rate · g}, each weight rounded once, as float32 arithmetic does it. */
    private static void assertUpdate(final float[] before, final float[] after, final float g, final String what)
    {
        final float[] expected = new float[before.length];
        for (int i = 0; i < before.length; i++)
        {
            expected[i] = before[i] - RATE * g;
        }
        assertArrayEquals(expected, after, what);
    }

    /** One worker process on a rank: its own data plane, connected both ways. */
    private final class Worker
    {
        private final int rank;
        private final InMemoryDataPlane own;
        private final Outlet outlet;
        private final UnsafeBuffer gradient;
        private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));

        Worker(final int rank)
        {
            this.rank = rank;
            this.own = network.newPlane("w" + rank);
            this.outlet = own.outlet(plane.endpoint());
            this.gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(engine.floats() * Float.BYTES));
            assertEquals(null, engine.connect(rank, own.endpoint(), 0));
        }

        /** @return messages the server sent this worker (it expects none: each is counted as unexpected). */
        long received()
        {
            return own.stats().rejectedUnexpected();
        }

        /** Sends a gradient of {@code value} everywhere for {@code step}, then a report of {@code shards}' rows. */
        void push(final long step, final float value, final int shards)
        {
            pushData(step, value);
            pushMeta(step, shards);
        }

        /** Sends a gradient of {@code value} everywhere for {@code step}, without its report. */
        void pushData(final long step, final float value)
        {
            for (int i = 0; i < engine.floats(); i++)
            {
                gradient.putFloat(i * Float.BYTES, value);
            }
            assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT, step, rank, engine.floats()), gradient,
                System.nanoTime() + 1_000_000_000L).isSent());
        }

        /** Sends the report of {@code step}'s gradient: {@code shards}' rows. */
        void pushMeta(final long step, final int shards)
        {
            final int rows = plan.batchRows(plan.batchOf(step)) * shards;
            new GradientMeta(rows, 0.5, rows, 0, 0, 0, 0, TransportStats.NONE).encode(meta);
            assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT_META, step, rank, GradientMeta.BYTES / 4),
                meta, System.nanoTime() + 1_000_000_000L).isSent());
        }
    }
}
