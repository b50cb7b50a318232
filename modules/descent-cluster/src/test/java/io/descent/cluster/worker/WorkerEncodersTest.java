package io.descent.cluster.worker;

import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.protocol.ShardMap;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A worker's gradient encoders belong to one join: every join (the first, a rejoin after the server restarted, a
 * join in place of a lost rank) makes new ones, so an error-feedback residual never outlives the server state it was
 * built against. One per server shard range, of that range's length.
 */
class WorkerEncodersTest
{
    private final TestJob job = TestJob.of("");
    private final InMemoryNetwork network = new InMemoryNetwork();

    @AfterEach
    void stop()
    {
        network.close();
    }

    @Test
    void shouldMakeNewEncodersAtEveryJoin()
    {
        try (WorkerEngine engine = new WorkerEngine(job.worker(TestJob.settings(1, "compression = fp16"),
            network.newPlane("w")), WorkerObserver.NONE))
        {
            engine.join(0, 1, "ps", 1L);
            final GradientEncoder[] first = engine.encoders();
            assertEquals(1, first.length);
            assertEquals(Compression.FP16, first[0].compression());
            assertEquals(io.descent.nn.Model.create(job.spec, 1).parameterCount(), first[0].floats(), "the whole vector");

            engine.join(0, 1, "ps", 2L);
            final GradientEncoder[] rejoined = engine.encoders();
            assertNotSame(first[0], rejoined[0], "a rejoin starts from fresh encoder state");

            engine.join(0, 1, "ps", 3L, 0, 0, new ShardMap(new long[]{ 0, 100, first[0].floats() },
                new String[]{ "ps-1" }));
            final GradientEncoder[] sharded = engine.encoders();
            assertEquals(2, sharded.length, "one encoder per server shard");
            assertEquals(100, sharded[0].floats());
            assertEquals(first[0].floats() - 100, sharded[1].floats());
        }
    }

    @Test
    void shouldSendFloat32WithoutAnEncoder()
    {
        try (WorkerEngine engine = new WorkerEngine(job.worker(TestJob.settings(1, ""), network.newPlane("w")),
            WorkerObserver.NONE))
        {
            engine.join(0, 1, "ps", 1L);
            assertNull(engine.encoders()[0]);
        }
    }
}
