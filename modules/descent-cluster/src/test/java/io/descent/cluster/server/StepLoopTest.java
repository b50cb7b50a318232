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
import org.junit.jupiter.api.BeforeEach;
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
 * The server's step cycle over the in-memory data plane, driven on the test thread (which plays the compute thread):
 * four ranks send distinct gradients in every arrival order and every update equals the closed form bitwise; a
 * dropped rank's late gradient, arriving after a replacement on its rank armed and was folded first (so its buffer
 * holds the running sum), is dropped as late and changes nothing. Plain SGD at learning rate 0.5 with gradients of a
 * few binary digits, so every sum, weight and update below is exact in float32.
 */
class StepLoopTest
{
    private static final int RANKS = 4;
    private static final float RATE = 0.5f;

    private InMemoryNetwork network;
    private InMemoryDataPlane plane;
    private ServerEngine engine;
    private StepLoop loop;
    private StepPlan plan;
    private JobIdentity identity;
    private final List<ParameterServer.PrivateCommand> told = new ArrayList<>();

    @BeforeEach
    void start()
    {
        final TestJob job = TestJob.of("train { batch-size = 30, epochs = 3, learning-rate = 0.5, momentum = 0.0 }");
        network = new InMemoryNetwork();
        plane = network.newPlane("ps");
        final ServerSetup setup = job.server(TestJob.settings(RANKS, ""), plane, null);
        engine = new ServerEngine(setup);
        plan = setup.plan();
        identity = engine.identity();
        loop = new StepLoop(setup, engine, told::add, Runnable::run, LoggerFactory.getLogger(StepLoopTest.class));
    }

    @AfterEach
    void stop()
    {
        engine.close();
        network.close();
    }

    @Test
    void shouldSumDistinctGradientsInRankOrderWhateverTheArrivalOrder()
    {
        final Worker[] workers = workers();
        final List<int[]> orders = permutations(new int[]{ 0, 1, 2, 3 });
        assertEquals(24, orders.size());
        assertTrue(plan.totalSteps() > orders.size(), plan.totalSteps() + " steps");
        loop.start(new int[]{ 0, 1, 2, 3 });
        for (int step = 0; step < orders.size(); step++)
        {
            final float[] before = engine.weights();
            final float[] gradients = new float[RANKS];
            for (final int rank : orders.get(step))
            {
                gradients[rank] = gradient(rank, step);
                // Half the steps send the report before the bytes: a rank counts only once both are in.
                workers[rank].push(step, gradients[rank], step % 2 == 1);
            }
            assertApplied(step);
            assertUpdate(before, engine.weights(), (gradients[0] + gradients[1] + gradients[2] + gradients[3]) / 4,
                "step " + step + ", arrival order " + java.util.Arrays.toString(orders.get(step)));
        }
    }

    @Test
    void shouldDropALateGradientOfADroppedRankAfterItsReplacementArmed()
    {
        final Worker[] workers = workers();
        final Worker old = workers[0];
        loop.start(new int[]{ 0, 1, 2, 3 });

        // Step 0: rank 0 stalls and is dropped before delivering; the others complete the step.
        loop.drop(0);
        assertEquals(2, plane.cancelledMessages(), "its gradient and its report of step 0");
        for (int rank = 1; rank < RANKS; rank++)
        {
            workers[rank].push(0, gradient(rank, 0), false);
        }
        assertApplied(0);

        // Step 1: rank 1 computes rank 0's shard too; a replacement asks to join rank 0 at step 2.
        assertEquals(-1, loop.admit(0, 2));
        final float[] w1 = engine.weights();
        workers[3].push(1, gradient(3, 1), false);
        workers[1].push(1, gradient(1, 1), false, 2);
        workers[2].push(1, gradient(2, 1), false);
        assertApplied(1);
        assertUpdate(w1, engine.weights(), (2 * gradient(1, 1) + gradient(2, 1) + gradient(3, 1)) / 4,
            "rank 1's gradient weighs its two shards");

        // Step 2: the replacement delivers first, so its buffer becomes the running sum; then the old process's
        // step-0 gradient and report arrive, then the others.
        final Worker replacement = new Worker(0);
        final float[] w2 = engine.weights();
        replacement.push(2, gradient(0, 2), false);
        old.push(0, 1000f, false);
        for (int rank = 1; rank < RANKS; rank++)
        {
            workers[rank].push(2, gradient(rank, 2), false);
        }
        assertApplied(2);
        assertUpdate(w2, engine.weights(), (gradient(0, 2) + gradient(1, 2) + gradient(2, 2) + gradient(3, 2)) / 4,
            "the sum of the four live ranks, untouched by the old process");
        assertEquals(2, plane.stats().lateMessages(), "the old gradient and report, dropped as late");
        assertEquals(1, plane.staleMessages(MessageKind.GRADIENT));
    }

    /** @return a distinct gradient value per rank and step, of a few binary digits. */
    private static float gradient(final int rank, final long step)
    {
        return (rank + 1) / 16f + (step % 5) / 8f;
    }

    private void assertApplied(final long step)
    {
        final ParameterServer.PrivateCommand last = told.get(told.size() - 1);
        final StepLoop.Applied applied = assertInstanceOf(StepLoop.Applied.class, last, "step " + step);
        assertEquals(step, applied.step());
    }

    /** Plain SGD: {@code w ← w − rate · mean}, each weight rounded once, as float32 arithmetic does it. */
    private static void assertUpdate(final float[] before, final float[] after, final float mean, final String what)
    {
        final float[] expected = new float[before.length];
        for (int i = 0; i < before.length; i++)
        {
            expected[i] = before[i] - RATE * mean;
        }
        assertArrayEquals(expected, after, what);
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

    private static List<int[]> permutations(final int[] items)
    {
        final List<int[]> all = new ArrayList<>();
        permute(items, 0, all);
        return all;
    }

    private static void permute(final int[] items, final int from, final List<int[]> into)
    {
        if (from == items.length)
        {
            into.add(items.clone());
            return;
        }
        for (int i = from; i < items.length; i++)
        {
            swap(items, from, i);
            permute(items, from + 1, into);
            swap(items, from, i);
        }
    }

    private static void swap(final int[] items, final int i, final int j)
    {
        final int kept = items[i];
        items[i] = items[j];
        items[j] = kept;
    }

    /** One worker process on a rank: its own data plane and outlet to the server. */
    private final class Worker
    {
        private final int rank;
        private final Outlet outlet;
        private final UnsafeBuffer gradient;
        private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));

        Worker(final int rank)
        {
            this.rank = rank;
            this.outlet = network.newPlane("w" + rank).outlet(plane.endpoint());
            this.gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(engine.floats() * Float.BYTES));
        }

        /** Sends a gradient of {@code value} everywhere for {@code step}, and a report of one shard's rows. */
        void push(final long step, final float value, final boolean reportFirst)
        {
            push(step, value, reportFirst, 1);
        }

        /** Sends a gradient of {@code value} everywhere for {@code step}, and a report of {@code shards}' rows. */
        void push(final long step, final float value, final boolean reportFirst, final int shards)
        {
            for (int i = 0; i < engine.floats(); i++)
            {
                gradient.putFloat(i * Float.BYTES, value);
            }
            final int rows = plan.batchRows(plan.batchOf(step)) * shards;
            new GradientMeta(rows, 0.5, rows, 0, 0, 0, 0, TransportStats.NONE).encode(meta);
            if (reportFirst)
            {
                sendMeta(step);
            }
            assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT, step, rank, engine.floats()), gradient,
                System.nanoTime() + 1_000_000_000L).isSent());
            if (!reportFirst)
            {
                sendMeta(step);
            }
        }

        private void sendMeta(final long step)
        {
            assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT_META, step, rank, GradientMeta.BYTES / 4),
                meta, System.nanoTime() + 1_000_000_000L).isSent());
        }
    }
}
