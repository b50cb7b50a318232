package io.descent.cluster.server;

import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One parameter-server shard in memory, for tests of shards stepping together: its engine, its step loop (running
 * every task inline) and what the loop told its actor. Not thread-safe: one test thread.
 */
final class LoopedShard
{
    final ServerEngine engine;
    final StepLoop loop;
    final InMemoryDataPlane plane;
    final List<ParameterServer.PrivateCommand> told = new ArrayList<>();

    LoopedShard(final ServerSetup setup, final InMemoryDataPlane plane)
    {
        this.engine = new ServerEngine(setup);
        this.plane = plane;
        this.loop = new StepLoop(setup, engine, told::add, Runnable::run, LoggerFactory.getLogger(LoopedShard.class));
    }

    /** @return this shard's range of the weights (its own vector). */
    float[] range()
    {
        return engine.stateVectors().get(0).toFloatVector();
    }

    /**
     * Sends this shard, over {@code outlet}, its range of {@code rank}'s gradient for {@code step} with every value
     * {@code value}, then the step's report {@code meta}; fails if either is not sent within a second.
     *
     * @param shard this shard's index.
     */
    void push(final Outlet outlet, final int shard, final int rank, final long step, final float value,
        final UnsafeBuffer meta)
    {
        final int floats = engine.floats();
        final UnsafeBuffer gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        for (int i = 0; i < floats; i++)
        {
            gradient.putFloat(i * Float.BYTES, value);
        }
        final long offset = engine.shardPlan().offset(shard);
        assertTrue(outlet.send(engine.identity().rangeId(MessageKind.GRADIENT, step, rank, offset, floats), gradient,
            System.nanoTime() + 1_000_000_000L).isSent());
        assertTrue(outlet.send(engine.identity().messageId(MessageKind.GRADIENT_META, step, rank,
            GradientMeta.BYTES / 4), meta, System.nanoTime() + 1_000_000_000L).isSent());
    }

    /** @return the steps the loop applied, in order; fails if it halted. */
    List<Long> applied()
    {
        final List<Long> steps = new ArrayList<>();
        for (final ParameterServer.PrivateCommand command : told)
        {
            assertTrue(!(command instanceof StepLoop.Halted), command.toString());
            if (command instanceof StepLoop.Applied applied)
            {
                steps.add(applied.step());
            }
        }
        return steps;
    }

    /** @return the last step the loop applied, or null; fails if it halted. */
    StepLoop.Applied last()
    {
        StepLoop.Applied last = null;
        for (final ParameterServer.PrivateCommand command : told)
        {
            assertTrue(!(command instanceof StepLoop.Halted), command.toString());
            if (command instanceof StepLoop.Applied applied)
            {
                last = applied;
            }
        }
        return last;
    }
}
