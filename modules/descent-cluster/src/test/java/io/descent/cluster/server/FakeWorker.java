package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.worker.Worker;
import io.descent.transport.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scripted worker: a TestProbe for control messages plus an in-memory data plane for buffers. */
final class FakeWorker
{
    final TestProbe<Worker.Command> probe;
    private final ActorTestKit testKit;
    private final InMemoryDataPlane plane;
    private final JobIdentity identity;
    private final int floats;
    private final UnsafeBuffer gradient;
    private final UnsafeBuffer weights;
    private final BlockingQueue<Long> weightVersions = new LinkedBlockingQueue<>();
    private ActorRef<ParameterServer.Command> server;
    private Outlet outlet;
    private ClusterKey key = ClusterKey.NONE;
    int rank = -1;

    FakeWorker(final ActorTestKit testKit, final InMemoryNetwork network, final JobIdentity identity, final int floats)
    {
        this.testKit = testKit;
        this.probe = testKit.createTestProbe();
        this.plane = network.newPlane("fake");
        this.identity = identity;
        this.floats = floats;
        this.gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        this.weights = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        for (int i = 0; i < floats; i++)
        {
            gradient.putFloat(i * Float.BYTES, 0.01f);
        }
    }

    int floats()
    {
        return floats;
    }

    /** Proves this key when it registers (none by default). */
    FakeWorker withKey(final ClusterKey clusterKey)
    {
        key = clusterKey;
        return this;
    }

    /** Sends a registration with this worker's key proof, as {@link Worker} does. */
    void register(final ActorRef<ParameterServer.Command> parameterServer)
    {
        server = parameterServer;
        final RegistrationClaim claim = RegistrationClaim.of(ActorRefResolver.get(testKit.system()), server,
            probe.getRef(), plane.endpoint(), identity, "fake", 1, -1);
        server.tell(new ParameterServer.Register(probe.getRef(), plane.endpoint(), identity, "fake", 1, -1,
            key.prove(claim)));
    }

    /** Registers, arms the first weights and reports ready. */
    FakeWorker join(final ActorRef<ParameterServer.Command> parameterServer)
    {
        register(parameterServer);
        final Worker.Accepted accepted = probe.expectMessageClass(Worker.Accepted.class, Duration.ofSeconds(30));
        rank = accepted.rank();
        outlet = plane.outlet(accepted.serverEndpoint());
        armWeights(accepted.firstStep());
        server.tell(new ParameterServer.Ready(rank));
        return this;
    }

    void armWeights(final long version)
    {
        final MessageId id = new MessageId(identity.configDigest(), identity.fingerprint(), MessageKind.WEIGHTS,
            version, ParameterServer.SENDER_ID, 0, floats);
        plane.expect(id, weights, System.nanoTime() + 60_000_000_000L, (got, complete) ->
        {
            if (complete)
            {
                weightVersions.add(got.step());
            }
        });
    }

    /** Expects the next Step and the weights of its version. */
    Worker.Step expectStep(final long step) throws InterruptedException
    {
        final Worker.Step message = probe.expectMessageClass(Worker.Step.class, Duration.ofSeconds(30));
        assertEquals(step, message.step());
        final Long version = weightVersions.poll(30, TimeUnit.SECONDS);
        assertNotNull(version, "weights of step " + step);
        assertEquals(step, version.longValue());
        return message;
    }

    /** Arms the next weights, sends the gradient bytes of {@code step}, then its metadata. */
    void push(final long step, final int examples)
    {
        armWeights(step + 1);
        sendBytes(step);
        sendMeta(step, examples);
    }

    void sendBytes(final long step)
    {
        final MessageId id = new MessageId(identity.configDigest(), identity.fingerprint(), MessageKind.GRADIENT,
            step, rank, 0, floats);
        assertTrue(outlet.send(id, gradient, System.nanoTime() + 1_000_000_000L).isSent());
    }

    void sendMeta(final long step, final int examples)
    {
        server.tell(new ParameterServer.Gradient(step, rank, examples, 0.5,
            new WorkerStats(rank, "fake", 1, examples, 0, 0, 0, 0)));
    }
}
