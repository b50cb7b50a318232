package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.StepOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parameter server's protocol driven by scripted workers: the step barrier, duplicate and late gradients,
 * workers that drop out mid-step, and workers known by the ref they registered with. The job: 2 shards of 540 rows,
 * batch 180, 1 epoch = 3 steps.
 */
class ProtocolTest
{
    /**
     * A fixed join margin: measured ({@code auto}), it depends on how fast this test pushes steps against the control
     * round trip, and could push a joiner past the end of the job or past the steps the test drives it through.
     */
    private static final String JOIN_MARGIN = "join-margin = 8";

    private static final String JOB = "train { batch-size = 180, epochs = 1 }";

    private ActorTestKit testKit;
    private InMemoryNetwork network;
    private TestJob job;
    private RecordingObserver observer;
    private ActorRef<ServerProtocol.Command> server;
    private InMemoryDataPlane serverPlane;

    @BeforeEach
    void start()
    {
        testKit = ActorTestKit.create();
        network = new InMemoryNetwork();
        job = TestJob.of(JOB);
        observer = new RecordingObserver();
    }

    @AfterEach
    void stop()
    {
        testKit.shutdownTestKit();
        network.close();
    }

    @Test
    void shouldHoldTheStepUntilEveryWorkerDeliveredAndIgnoreDuplicateAndLateGradients() throws Exception
    {
        final FakeWorker[] workers = startJob(TestJob.settings(2, ""));
        workers[0].expectStep(0);
        workers[1].expectStep(0);
        workers[0].push(0, 180);
        workers[0].sendMeta(0, 180);
        workers[0].expectNoStep(Duration.ofMillis(300));
        workers[1].armWeights(1);
        workers[1].sendMeta(0, 180);
        workers[0].expectNoStep(Duration.ofMillis(200));
        workers[1].sendBytes(0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[1].sendMeta(0, 180);
        for (final long step : new long[]{ 1, 2 })
        {
            workers[0].push(step, 180);
            workers[1].push(step, 180);
            if (step < 2)
            {
                workers[0].expectStep(step + 1);
                workers[1].expectStep(step + 1);
            }
        }
        final JobResult result = observer.await(60);
        assertEquals(3, result.steps());
        assertEquals(2, serverPlane.droppedMessages(), "two copies of reports already delivered, nobody expected");
        assertEquals(2, result.server().transport().duplicateMessages());
        assertEquals(0, result.server().ignoredGradients(), "every gradient was summed once");
        assertEquals(ServerProtocol.Finish.class,
            workers[0].probe.expectMessageClass(ServerProtocol.Finish.class).getClass());
    }

    @Test
    void shouldFinishTheStepWithTheLiveWorkersWhenOneTerminatesMidStep() throws Exception
    {
        final FakeWorker[] workers = startJob(TestJob.settings(2, ""));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[0].push(1, 180);
        workers[1].probe.stop();
        final StepOrder reassigned = workers[0].expectStep(2);
        assertArrayEquals(new int[]{ 0, 1 }, reassigned.shards(), "the lost shard goes to the live worker");
        workers[0].push(2, 360);
        final JobResult result = observer.await(60);
        assertEquals(3, result.steps());
        assertEquals(List.of(1), result.lostRanks());
        assertEquals(List.of(1), observer.lost);
    }

    @Test
    void shouldDropAWorkerThatMissesTheStepDeadline() throws Exception
    {
        final FakeWorker[] workers = startJob(TestJob.settings(2, "step-timeout = 1s"));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[0].push(1, 180);
        final ServerProtocol.Finish dropped = workers[1].probe.expectMessageClass(ServerProtocol.Finish.class,
            Duration.ofSeconds(10));
        assertFalse(dropped.success());
        assertTrue(dropped.message().contains("step-timeout"), dropped.message());
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        workers[1].push(1, 180);
        workers[0].push(2, 360);
        final JobResult result = observer.await(60);
        assertEquals(List.of(1), result.lostRanks());
        assertEquals(1, result.server().ignoredGradients(), "the dropped worker's late gradient");
    }

    @Test
    void shouldCountGradientsTheDataPlaneDroppedAsDuplicateOrLateAmongTheIgnored() throws Exception
    {
        final FakeWorker[] workers = startJob(TestJob.settings(2, "step-timeout = 1s"));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[0].sendBytes(0);
        workers[0].push(1, 180);
        assertFalse(workers[1].probe.expectMessageClass(ServerProtocol.Finish.class, Duration.ofSeconds(10))
            .success());
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        // The drop cancelled the dropped rank's expectations of step 1 (step 2 went out after it); its gradient
        // comes after that.
        assertEquals(2, serverPlane.cancelledMessages(), "rank 1's gradient and report of step 1");
        assertEquals(0, serverPlane.stats().incompleteMessages());
        workers[1].push(1, 180);
        workers[0].push(2, 360);
        final JobResult result = observer.await(60);
        assertEquals(1, result.server().transport().duplicateMessages(), "rank 0's second gradient of step 0");
        assertEquals(2, result.server().transport().lateMessages(), "rank 1's gradient and report of step 1");
        assertEquals(2, result.server().ignoredGradients(), "one duplicate and one late gradient, each once");
    }

    @Test
    void shouldLetAWorkerJoinAtAStepBoundaryInPlaceOfALostOne() throws Exception
    {
        job = TestJob.of("train { batch-size = 180, epochs = 40 }");
        final FakeWorker[] workers = startJob(TestJob.settings(2, JOIN_MARGIN));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[1].probe.stop();
        workers[0].push(1, 180);
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        final FakeWorker joiner = new FakeWorker(testKit, network, job.identity(), workers[0].floats()).join(server);
        assertEquals(1, joiner.rank, "takes the lost rank");
        assertTrue(joiner.firstStep >= 3 + JoinMargin.MIN_STEPS,
            "a margin of at least " + JoinMargin.MIN_STEPS + " steps past the next order: " + joiner.firstStep);
        // Rank 0 steps on only once the joiner is admitted: under load the server's actor may take longer than the
        // margin's steps take this test, and the joiner would be told a later step (covered below).
        assertArrayEquals(new long[]{ 1, joiner.firstStep }, observer.admitted.poll(30, TimeUnit.SECONDS),
            "admitted at its join step");
        stepAloneThenTogether(workers[0], joiner, 2, joiner.firstStep, 120);
        assertEquals(120, observer.await(60).steps());
        assertArrayEquals(new long[]{ 1, joiner.firstStep }, observer.joined.poll(), "joined at its join step");
        assertTrue(observer.joinRetries.isEmpty(), "armed in time: no retry");
        assertTrue(joiner.probe.expectMessageClass(ServerProtocol.Finish.class).success());
    }

    @Test
    void shouldGiveAJoinerThatArmedTooLateALaterStepWithTwiceTheMargin() throws Exception
    {
        job = TestJob.of("train { batch-size = 180, epochs = 40 }");
        final FakeWorker[] workers = startJob(TestJob.settings(2, JOIN_MARGIN));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[1].probe.stop();
        workers[0].push(1, 180);
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        final FakeWorker joiner = fake().accept(server);
        final long missed = joiner.firstStep;
        // The worker stays silent until the orders of its join step went out: its Ready comes too late.
        for (long step = 2; step < missed; step++)
        {
            workers[0].push(step, 360);
            assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(step + 1).shards(), "without the joiner");
        }
        joiner.ready();
        final long later = joiner.reaccept();
        assertTrue(later >= missed + 1 + 2 * JoinMargin.MIN_STEPS,
            "after the first miss the margin doubles: missed " + missed + ", now " + later);
        assertEquals(1, observer.joinRetries.size());
        assertArrayEquals(new long[]{ 1, missed, later }, observer.joinRetries.get(0));
        joiner.ready();
        stepAloneThenTogether(workers[0], joiner, missed, later, 120);
        assertEquals(120, observer.await(60).steps());
        assertArrayEquals(new long[]{ 1, later }, observer.joined.poll(), "joined at the later step");
        assertTrue(observer.joined.isEmpty());
        assertTrue(joiner.probe.expectMessageClass(ServerProtocol.Finish.class).success());
    }

    @Test
    void shouldRefuseAJoinerWhenTheJobEndsBeforeItsJoinStep() throws Exception
    {
        job = TestJob.of("train { batch-size = 180, epochs = 2 }");
        final FakeWorker[] workers = startJob(TestJob.settings(2, ""));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[1].probe.stop();
        workers[0].push(1, 180);
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        final FakeWorker late = fake();
        late.register(server);
        final ServerProtocol.Refused refused = late.probe.expectMessageClass(ServerProtocol.Refused.class,
            Duration.ofSeconds(30));
        assertTrue(refused.reason().contains("the job ends at step 6"), refused.reason());
        workers[0].push(2, 360);
        for (long step = 3; step < 6; step++)
        {
            assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(step).shards());
            workers[0].push(step, 360);
        }
        assertEquals(6, observer.await(60).steps());
        assertTrue(observer.joined.isEmpty());
    }

    @Test
    void shouldIgnoreReadyAndLeaveFromARefThatNeverRegistered() throws Exception
    {
        startServer(TestJob.settings(2, ""));
        final FakeWorker[] workers = { fake().join(server), fake().accept(server) };
        final TestProbe<ServerProtocol.ToWorker> stranger = testKit.createTestProbe();
        server.tell(new ServerProtocol.Ready(stranger.getRef()));
        workers[0].expectNoStep(Duration.ofMillis(300));
        workers[1].ready();
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        server.tell(new ServerProtocol.Leave(stranger.getRef(), "not a worker of this job"));
        // Told after the stranger's Leave, so handled after it: the first loss shows whom the server dropped.
        workers[1].leave("it cannot go on");
        final ServerProtocol.Finish left = workers[1].probe.expectMessageClass(ServerProtocol.Finish.class,
            Duration.ofSeconds(10));
        assertFalse(left.success());
        assertTrue(left.message().endsWith("the worker left: it cannot go on"), left.message());
        workers[0].push(1, 180);
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards(), "rank 1's shard goes to rank 0");
        workers[0].push(2, 360);
        final JobResult result = observer.await(60);
        assertEquals(3, result.steps());
        assertEquals(List.of(1), result.lostRanks(), "only the worker that left by its own ref");
        assertTrue(workers[0].probe.expectMessageClass(ServerProtocol.Finish.class).success());
        stranger.expectNoMessage();
        assertEquals(List.of("ready", "leave"), observer.ignoredControl, "each forged message counted once");
    }

    @Test
    void shouldIgnoreALeaveFromTheRefOfAWorkerWhoseRankWasTakenOver() throws Exception
    {
        job = TestJob.of("train { batch-size = 180, epochs = 40 }");
        final FakeWorker[] workers = startJob(TestJob.settings(2, JOIN_MARGIN));
        stepBoth(workers, 0);
        workers[0].expectStep(1);
        workers[1].expectStep(1);
        workers[1].leave("it cannot go on");
        workers[0].push(1, 180);
        assertArrayEquals(new int[]{ 0, 1 }, workers[0].expectStep(2).shards());
        final FakeWorker joiner = fake().join(server);
        assertEquals(1, joiner.rank, "takes the lost rank");
        workers[1].leave("a stale leave from the worker the joiner replaced");
        // Rank 0 steps on only once the joiner is admitted: under load the server's actor may take longer than the
        // margin's steps take this test, and the joiner would be told a later step (covered below).
        assertArrayEquals(new long[]{ 1, joiner.firstStep }, observer.admitted.poll(30, TimeUnit.SECONDS),
            "admitted at its join step");
        stepAloneThenTogether(workers[0], joiner, 2, joiner.firstStep, 120);
        final JobResult result = observer.await(60);
        assertEquals(120, result.steps());
        assertArrayEquals(new long[]{ 1, joiner.firstStep }, observer.joined.poll());
        assertEquals(List.of(1), result.lostRanks(), "the joiner was not dropped by its predecessor's leave");
        assertEquals(List.of("leave"), observer.ignoredControl, "the stale leave was counted");
        assertTrue(joiner.probe.expectMessageClass(ServerProtocol.Finish.class).success());
    }

    /**
     * Rank 0, whose order of step {@code from} is in, steps alone on both shards until {@code joinStep}; the joiner
     * gets nothing before that step and its own shard from it; then both step to the job's {@code end}.
     */
    private static void stepAloneThenTogether(
        final FakeWorker alone, final FakeWorker joiner, final long from, final long joinStep, final long end)
        throws InterruptedException
    {
        for (long step = from; step < joinStep; step++)
        {
            alone.push(step, 360);
            assertArrayEquals(step + 1 < joinStep ? new int[]{ 0, 1 } : new int[]{ 0 },
                alone.expectStep(step + 1).shards(), "rank 0's shards at step " + (step + 1));
        }
        assertArrayEquals(new int[]{ 1 }, joiner.expectStep(joinStep).shards(),
            "the joiner's first order is its join step's, with its own shard");
        for (long step = joinStep; step < end; step++)
        {
            alone.push(step, 180);
            joiner.push(step, 180);
            if (step < end - 1)
            {
                alone.expectStep(step + 1);
                joiner.expectStep(step + 1);
            }
        }
    }

    private void stepBoth(final FakeWorker[] workers, final long step) throws InterruptedException
    {
        workers[0].expectStep(step);
        workers[1].expectStep(step);
        workers[0].push(step, 180);
        workers[1].push(step, 180);
    }

    private FakeWorker[] startJob(final ClusterSettings settings)
    {
        startServer(settings);
        final FakeWorker[] workers = new FakeWorker[settings.workers()];
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = fake().join(server);
            assertEquals(i, workers[i].rank);
        }
        return workers;
    }

    private void startServer(final ClusterSettings settings)
    {
        serverPlane = network.newPlane("ps");
        server = testKit.spawn(ParameterServer.create(job.server(settings, serverPlane, null), observer));
        awaitRegistered();
    }

    private FakeWorker fake()
    {
        return new FakeWorker(testKit, network, job.identity(),
            (int)io.descent.nn.Model.create(job.spec, 1).parameterCount());
    }

    private void awaitRegistered()
    {
        final TestProbe<Receptionist.Listing> listings = testKit.createTestProbe();
        testKit.system().receptionist().tell(Receptionist.subscribe(ServerProtocol.KEY, listings.getRef()));
        listings.fishForMessage(Duration.ofSeconds(30), listing ->
            listing.getServiceInstances(ServerProtocol.KEY).isEmpty() ?
                akka.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore() :
                akka.actor.testkit.typed.javadsl.FishingOutcomes.complete());
    }
}
