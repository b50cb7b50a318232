package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.StepOrder;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted worker: a TestProbe for control messages (its ref is the one it registers with, and names itself by)
 * plus an in-memory data plane for weights, step orders, gradients and gradient reports.
 */
final class FakeWorker
{
    final TestProbe<ServerProtocol.ToWorker> probe;
    private final ActorTestKit testKit;
    private final InMemoryDataPlane plane;
    /** Its identity; bound to the server's incarnation once accepted. */
    private JobIdentity identity;
    private final int floats;
    private final UnsafeBuffer gradient;
    private final UnsafeBuffer weights;
    private final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
    private final BlockingQueue<Long> weightVersions = new LinkedBlockingQueue<>();
    private final BlockingQueue<StepOrder> orders = new LinkedBlockingQueue<>();
    private int orderWords;
    private ActorRef<ServerProtocol.Command> server;
    private Outlet outlet;
    private ClusterKey key = ClusterKey.NONE;
    int rank = -1;
    /** The first step of the last Accepted: the step it armed for. */
    long firstStep = -1;

    FakeWorker(final ActorTestKit testKit, final InMemoryNetwork network, final JobIdentity identity, final int floats)
    {
        this.testKit = testKit;
        this.probe = testKit.createTestProbe();
        this.plane = network.newPlane("fake");
        this.identity = identity;
        this.floats = floats;
        this.gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        this.weights = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        withGradient(0.01f);
    }

    /** Sends {@code value} in every element of the gradients it pushes from now on. */
    FakeWorker withGradient(final float value)
    {
        for (int i = 0; i < floats; i++)
        {
            gradient.putFloat(i * Float.BYTES, value);
        }
        return this;
    }

    /** @return a copy of the weights last received (read it between a step's arrival and the next push). */
    float[] weights()
    {
        final float[] copy = new float[floats];
        for (int i = 0; i < floats; i++)
        {
            copy[i] = weights.getFloat(i * Float.BYTES);
        }
        return copy;
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

    /** Sends a registration with this worker's key proof, as {@link io.descent.cluster.worker.Worker} does. */
    void register(final ActorRef<ServerProtocol.Command> parameterServer)
    {
        register(parameterServer, plane.endpoint());
    }

    /** Registers saying its data plane is at {@code endpoint} (e.g. one the server cannot use). */
    void register(final ActorRef<ServerProtocol.Command> parameterServer, final String endpoint)
    {
        server = parameterServer;
        final RegistrationClaim claim = RegistrationClaim.of(ActorRefResolver.get(testKit.system()), server,
            probe.getRef(), endpoint, identity, "fake", 1, -1);
        server.tell(new ServerProtocol.Register(probe.getRef(), endpoint, identity, "fake", 1, -1,
            key.prove(claim), DataPlaneAuth.AUTO.resolve(key, "data-plane.auth").label()));
    }

    /** @return where this worker's data plane receives. */
    String endpoint()
    {
        return plane.endpoint();
    }

    /** Registers, arms the first weights and reports ready. */
    FakeWorker join(final ActorRef<ServerProtocol.Command> parameterServer)
    {
        accept(parameterServer);
        ready();
        return this;
    }

    /** Registers, expects to be accepted and arms the first weights (without reporting ready). */
    FakeWorker accept(final ActorRef<ServerProtocol.Command> parameterServer)
    {
        register(parameterServer);
        final ServerProtocol.Accepted accepted = probe.expectMessageClass(ServerProtocol.Accepted.class,
            Duration.ofSeconds(30));
        rank = accepted.rank();
        identity = identity.withIncarnation(accepted.incarnation());
        orderWords = StepOrder.ints(accepted.workers());
        outlet = plane.outlet(accepted.serverEndpoint());
        firstStep = accepted.firstStep();
        armWeights(firstStep);
        return this;
    }

    /** Expects to be accepted again, with a later first step (it armed too late), and arms for that step. */
    long reaccept()
    {
        final ServerProtocol.Accepted accepted = probe.expectMessageClass(ServerProtocol.Accepted.class,
            Duration.ofSeconds(30));
        assertEquals(rank, accepted.rank());
        firstStep = accepted.firstStep();
        armWeights(firstStep);
        return firstStep;
    }

    /** Reports ready, named by this worker's ref. */
    void ready()
    {
        server.tell(new ServerProtocol.Ready(probe.getRef()));
    }

    /** Leaves the job, named by this worker's ref. */
    void leave(final String reason)
    {
        server.tell(new ServerProtocol.Leave(probe.getRef(), reason));
    }

    /** Expects the weights of {@code version} and the order that follows them. */
    void armWeights(final long version)
    {
        final long deadline = System.nanoTime() + 60_000_000_000L;
        plane.expect(identity.messageId(MessageKind.WEIGHTS, version, SenderId.SERVER, floats), weights,
            deadline, (got, complete) ->
            {
                if (complete)
                {
                    weightVersions.add(got.step());
                }
            });
        final UnsafeBuffer order = new UnsafeBuffer(ByteBuffer.allocateDirect(orderWords * Integer.BYTES));
        plane.expect(identity.messageId(MessageKind.STEP_ORDER, version, SenderId.SERVER, orderWords), order,
            deadline, (got, complete) ->
            {
                if (complete)
                {
                    orders.add(StepOrder.decode(got.step(), order));
                }
            });
    }

    /** Expects the next step's order and the weights of its version. */
    StepOrder expectStep(final long step) throws InterruptedException
    {
        final StepOrder message = orders.poll(30, TimeUnit.SECONDS);
        assertNotNull(message, "order of step " + step);
        assertEquals(step, message.step());
        final Long version = weightVersions.poll(30, TimeUnit.SECONDS);
        assertNotNull(version, "weights of step " + step);
        assertEquals(step, version.longValue());
        return message;
    }

    /** Asserts that no step order arrives within {@code wait}: the server is still holding the step. */
    void expectNoStep(final Duration wait) throws InterruptedException
    {
        final StepOrder early = orders.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNull(early, () -> "the server sent an order before the step was complete: " + early);
    }

    /** Arms the next weights, sends the gradient bytes of {@code step}, then its metadata. */
    void push(final long step, final int examples)
    {
        push(step, examples, 0.5);
    }

    /** Arms the next weights, sends the gradient bytes of {@code step}, then a report of {@code examples} and loss. */
    void push(final long step, final int examples, final double loss)
    {
        armWeights(step + 1);
        sendBytes(step);
        sendMeta(step, examples, loss);
    }

    void sendBytes(final long step)
    {
        assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT, step, rank, floats), gradient,
            System.nanoTime() + 1_000_000_000L).isSent());
    }

    void sendMeta(final long step, final int examples)
    {
        sendMeta(step, examples, 0.5);
    }

    void sendMeta(final long step, final int examples, final double loss)
    {
        new GradientMeta(examples, loss, examples, 0, 0, 0, 0, TransportStats.NONE).encode(meta);
        assertTrue(outlet.send(identity.messageId(MessageKind.GRADIENT_META, step, rank, GradientMeta.BYTES / 4), meta,
            System.nanoTime() + 1_000_000_000L).isSent());
    }
}
