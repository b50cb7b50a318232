package io.descent.cluster.worker;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.CountingPlane;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.StepOrder;
import io.descent.nn.Model;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real {@link Worker} joining a running job, driven by a scripted server: told a later first step after it armed
 * for one whose orders already went out, it arms for exactly that step and reports ready again, without opening a
 * second publication to the server; its first gradient is of the later step.
 */
class WorkerJoinRetryTest
{
    private ActorTestKit testKit;
    private InMemoryNetwork network;

    @BeforeEach
    void start()
    {
        testKit = ActorTestKit.create();
        network = new InMemoryNetwork();
    }

    @AfterEach
    void stop()
    {
        testKit.shutdownTestKit();
        network.close();
    }

    @Test
    void shouldReArmForTheLaterStepWithoutRebuildingItsPublication() throws Exception
    {
        final TestJob job = TestJob.of("train { batch-size = 30, epochs = 2 }");
        final ClusterSettings settings = TestJob.settings(2, "");
        final JobIdentity identity = job.identity();
        final int floats = (int)Model.create(job.spec, job.job.seed()).parameterCount();
        final StepPlan plan = new StepPlan(job.data.train().size(), 2, 30, 2, job.job.seed());
        final TestProbe<ServerProtocol.Command> server = testKit.createTestProbe();
        testKit.system().receptionist().tell(Receptionist.register(ServerProtocol.KEY, server.getRef()));
        final InMemoryDataPlane serverPlane = network.newPlane("ps");
        final CountingPlane workerPlane = new CountingPlane(network.newPlane("w"));
        final CompletableFuture<WorkerOutcome> outcome = new CompletableFuture<>();
        testKit.spawn(Worker.create(job.worker(settings, workerPlane), outcome));

        final ServerProtocol.Register register = server.expectMessageClass(ServerProtocol.Register.class,
            Duration.ofSeconds(30));
        register.replyTo().tell(new ServerProtocol.Accepted(server.getRef(), 1, 2, serverPlane.endpoint(), 5,
            identity.incarnation()));
        assertEquals(register.replyTo(), server.expectMessageClass(ServerProtocol.Ready.class).worker());
        register.replyTo().tell(new ServerProtocol.Accepted(server.getRef(), 1, 2, serverPlane.endpoint(), 9,
            identity.incarnation()));
        assertEquals(register.replyTo(), server.expectMessageClass(ServerProtocol.Ready.class).worker(),
            "ready again, armed for the later step");
        assertEquals(1, workerPlane.outlets(), "one publication to the server, not one per Accepted");

        final BlockingQueue<Long> gradients = new LinkedBlockingQueue<>();
        final UnsafeBuffer gradient = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        final UnsafeBuffer meta = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        serverPlane.expect(identity.messageId(MessageKind.GRADIENT, 9, 1, floats), gradient, deadline,
            (id, complete) -> gradients.add(complete ? id.step() : -1));
        serverPlane.expect(identity.messageId(MessageKind.GRADIENT_META, 9, 1, GradientMeta.BYTES / Integer.BYTES),
            meta, deadline, (id, complete) -> { });
        final Outlet outlet = serverPlane.outlet(register.endpoint());
        final UnsafeBuffer weights = new UnsafeBuffer(ByteBuffer.allocateDirect(floats * Float.BYTES));
        assertTrue(outlet.send(identity.messageId(MessageKind.WEIGHTS, 9, SenderId.SERVER, floats), weights,
            deadline).isSent());
        final int orderWords = StepOrder.ints(2);
        final UnsafeBuffer order = new UnsafeBuffer(ByteBuffer.allocateDirect(orderWords * Integer.BYTES));
        new StepOrder(9, plan.epochOf(9), plan.batchOf(9), new int[]{ 1 }).encode(order);
        assertTrue(outlet.send(identity.messageId(MessageKind.STEP_ORDER, 9, SenderId.SERVER, orderWords), order,
            deadline).isSent());

        final Long step = gradients.poll(60, TimeUnit.SECONDS);
        assertNotNull(step, "a gradient of step 9");
        assertEquals(9L, step.longValue(), "its first gradient is of the step it was told last");
        assertEquals(1, workerPlane.outlets());
        register.replyTo().tell(new ServerProtocol.Finish(true, "job complete"));
        assertEquals(WorkerOutcome.Status.FINISHED, outcome.get(30, TimeUnit.SECONDS).status());
    }
}
