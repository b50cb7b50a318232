package io.descent.cluster.dataplane;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.plan.ServerShardPlan;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.server.ClusterHarness;
import io.descent.cluster.server.JobResult;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data plane's MAC with two parameter-server shards over Aeron: every shard and worker authenticates under the
 * coordinator's incarnation key, each shard binds each worker's gradients to a session of their own and each worker
 * binds each shard's weights to one, so a keyed run drops nothing and trains bitwise as the unkeyed one; then a
 * forged gradient range to the second shard (on the rank's bound session, under a key with the right id but another
 * secret), the same from an unbound session, and one under an earlier incarnation's key are each dropped and counted
 * by the shard, while the rank's real key on its real session still delivers. Slow: the media driver holds the
 * stopped worker's session for its linger time before the attacker can publish on it.
 */
@Tag("slow")
class ShardedMacTest
{
    /** 10-200-3: 2803 floats, two ranges of at least 1024 floats. */
    private static final String JOB = "model { layers = [ { type = dense, units = 200, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 1, clip-norm = 0.5 }\n";
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final String SHARDS = "servers = 2, shard-min-bytes = 4096";

    @RegisterExtension
    static final EmbeddedTransport TRANSPORT = new EmbeddedTransport("descent-sharded-mac-test-");

    private ActorTestKit testKit;
    private final List<AeronDataPlane> planes = new ArrayList<>();

    @BeforeEach
    void start()
    {
        testKit = ActorTestKit.create();
    }

    @AfterEach
    void stop()
    {
        testKit.shutdownTestKit();
        planes.forEach(AeronDataPlane::close);
    }

    @Test
    void shouldTrainKeyedAsUnkeyedAndDropForgedChunksToAShard() throws Exception
    {
        final TestJob job = TestJob.of(JOB);
        final Run open = run(job, TestJob.settings(2, SHARDS));
        final Run keyed = run(job, TestJob.settings(2, SHARDS + ", key = \"" + KEY + "\""));

        assertArrayEquals(open.result.finalWeights(), keyed.result.finalWeights(), "the MAC does not change the math");
        for (final DataPlane plane : keyed.planes)
        {
            assertEquals(io.descent.transport.wire.FastestMac.onThisRuntime(), plane.auth());
            final TransportStats stats = plane.stats();
            assertEquals(0, stats.rejectedBadMac() + stats.rejectedUnknownSession() + stats.rejectedReplay() +
                stats.crcFailures() + stats.rejectedUnknownJob(), plane.endpoint() + " dropped " + stats);
        }
        final BindingPlane coordinator = keyed.servers.get(0);
        final BindingPlane shard = keyed.servers.get(1);
        final DataKey key = shard.key();
        assertNotNull(key, "the shard authenticates");
        assertTrue(key.sameAs(coordinator.key()), "every shard is under the coordinator's incarnation key");
        final Map<Integer, Integer> bound = shard.sessions();
        final Set<Integer> sessions = new HashSet<>(bound.values());
        sessions.addAll(coordinator.sessions().values());
        assertEquals(5, sessions.size(), "the shard binds ranks 0 and 1, the coordinator them and shard 1's ranges, " +
            "each to a session of its own: " + bound + " " + coordinator.sessions());
        assertTrue(coordinator.sessions().containsKey(SenderId.server(1)), "the coordinator binds shard 1's ranges");

        // The workers are gone: only the attackers (and the rank's real key, as a control) send to the shard now.
        keyed.workers.forEach(DataPlane::close);
        attack(job, shard, key, bound.get(0));
    }

    /** Sends rank 0's gradient range of a step the shard is made to expect, forged three ways and then for real. */
    private void attack(final TestJob job, final BindingPlane shard, final DataKey key, final int session)
    {
        final ServerShardPlan cut = ServerShardPlan.of(
            io.descent.nn.Model.create(job.spec, job.job.seed()).parameterCount(), 2, 4096);
        final int floats = cut.length(1);
        final JobIdentity identity = job.identity().withIncarnation(key.id());
        final MessageId id = identity.rangeId(MessageKind.GRADIENT, 1_000, 0, cut.offset(1), floats);
        final long chunks = (floats * (long)Float.BYTES + 65_344 - 1) / 65_344;
        final UnsafeBuffer received = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        final AtomicInteger complete = new AtomicInteger();
        shard.expect(id, received, deadline(), (arrived, ok) -> complete.addAndGet(ok ? 1 : 100));

        final DataKey forged = DataKey.derive("not the cluster key, same id".getBytes(StandardCharsets.UTF_8),
            key.id(), DataPlaneAuth.KEY_LABEL);
        final DataKey earlier = ClusterKey.parse(KEY, "test").dataPlaneKey(key.id() - 1, DataPlaneAuth.KEY_LABEL);
        final UnsafeBuffer poison = filled(floats, 13.0f);
        final UnsafeBuffer gradient = filled(floats, 0.25f);
        final TransportStats before = shard.stats();
        send(forged, shard.endpoint(), session, id, poison);
        assertTrue(shard.await(() -> shard.stats().rejectedBadMac() - before.rejectedBadMac() >= chunks, deadline()),
            "a forged chunk on the rank's session is dropped as a bad MAC: " + shard.stats());
        send(key, shard.endpoint(), session + 1000, id, poison);
        assertTrue(shard.await(() -> shard.stats().rejectedUnknownSession() - before.rejectedUnknownSession() >=
            chunks, deadline()), "the job's key on an unbound session is dropped: " + shard.stats());
        send(earlier, shard.endpoint(), session, id, poison);
        assertTrue(shard.await(() -> shard.stats().rejectedReplay() - before.rejectedReplay() >= chunks, deadline()),
            "an earlier incarnation's key is dropped as a replay: " + shard.stats());
        assertEquals(0, complete.get(), "nothing forged was delivered");
        send(key, shard.endpoint(), session, id, gradient);
        assertTrue(shard.await(() -> complete.get() > 0, deadline()), "the rank's own key and session deliver");
        assertEquals(1, complete.get());
        assertEquals(0, received.compareTo(gradient), "bitwise the real gradient");
    }

    private void send(final DataKey key, final String endpoint, final int session, final MessageId id,
        final UnsafeBuffer payload)
    {
        final AeronDataPlane sender = newPlane();
        // The job's MAC (auto: this runtime's fastest), as an attacker who knows the setting would use.
        sender.authenticate(io.descent.transport.wire.FastestMac.onThisRuntime(), key);
        try (Outlet outlet = outletOnceFree(sender, endpoint, session))
        {
            assertEquals(SendResult.SENT, outlet.send(id, payload, deadline()));
        }
    }

    /**
     * Opens an outlet on {@code session} once the media driver has let go of the worker's publication on it (closed
     * when the worker stopped, kept for the driver's linger time): the driver refuses a second one meanwhile.
     */
    private static Outlet outletOnceFree(final AeronDataPlane sender, final String endpoint, final int session)
    {
        final long deadline = deadline();
        while (true)
        {
            try
            {
                return sender.outlet(endpoint, session);
            }
            catch (final RuntimeException ex)
            {
                if (System.nanoTime() > deadline || !String.valueOf(ex.getMessage()).contains("clashing sessionId"))
                {
                    throw ex;
                }
                LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    private record Run(JobResult result, List<BindingPlane> servers, List<DataPlane> workers, List<DataPlane> planes)
    {
    }

    /** A job with a coordinator, one more server shard and two workers, each on its own IPC data plane. */
    private Run run(final TestJob job, final ClusterSettings settings) throws Exception
    {
        final List<BindingPlane> servers = new ArrayList<>();
        final List<DataPlane> workers = new ArrayList<>();
        final ClusterHarness harness = new ClusterHarness(testKit, () ->
        {
            final BindingPlane plane = new BindingPlane(newPlane());
            servers.add(plane);
            return plane;
        }, () ->
        {
            final DataPlane plane = newPlane();
            workers.add(plane);
            return plane;
        });
        harness.server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1);
        final JobResult result = harness.workers(job, settings, 2).observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
        final List<DataPlane> all = new ArrayList<>(servers);
        all.addAll(workers);
        return new Run(result, servers, workers, all);
    }

    private AeronDataPlane newPlane()
    {
        final AeronDataPlane plane = new AeronDataPlane(TRANSPORT.transport(), AeronDataPlane.IPC, 7100, true);
        planes.add(plane);
        return plane;
    }

    private static UnsafeBuffer filled(final int floats, final float value)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        for (int i = 0; i < floats; i++)
        {
            buffer.putFloat(i * Float.BYTES, value + i);
        }
        return buffer;
    }

    private static long deadline()
    {
        return System.nanoTime() + 20_000_000_000L;
    }
}
