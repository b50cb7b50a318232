package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryDataPlane;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose data-plane endpoint the server cannot use is refused, alone, with the reason: at registration when
 * the plane rejects the endpoint, and when opening its outlet fails later on the compute thread (before the job starts
 * and when it joins a running job in a lost rank's place). The job goes on with the others every time.
 */
class EndpointRegistrationTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final RecordingObserver observer = new RecordingObserver();
    private InMemoryDataPlane serverPlane;
    private ActorRef<ServerProtocol.Command> server;
    private int floats;
    private TestJob job;

    @Test
    void shouldRefuseAWorkerWhoseEndpointThePlaneRejectsAndGoOnWithTheOthers() throws Exception
    {
        start(TestJob.settings(1, ""));
        final FakeWorker bad = worker();
        bad.register(server, "ipc:abc");
        final ServerProtocol.Refused refused = bad.probe.expectMessageClass(ServerProtocol.Refused.class,
            Duration.ofSeconds(30));
        assertTrue(refused.reason().contains("'ipc:abc'"), refused.reason());
        assertEquals(List.of(refused.reason()), observer.refused);

        final FakeWorker good = worker().join(server);
        assertEquals(0, good.rank, "the refused worker took no rank");
        finish(new FakeWorker[]{ good }, 0, false, 6, new int[]{ 180 });
        assertEquals(List.of(), observer.await(30).lostRanks());
    }

    @Test
    void shouldRefuseAWorkerWhoseOutletCannotBeOpenedAndFreeItsRank() throws Exception
    {
        start(TestJob.settings(1, ""));
        final FakeWorker bad = worker();
        serverPlane.breakOutletTo(bad.endpoint(), "host w-0.workers does not resolve");
        bad.register(server);
        final ServerProtocol.Refused refused = bad.probe.expectMessageClass(ServerProtocol.Refused.class,
            Duration.ofSeconds(30));
        assertEquals("cannot open the data plane to the worker's endpoint '" + bad.endpoint() + "': host " +
            "w-0.workers does not resolve", refused.reason());
        bad.probe.expectNoMessage(Duration.ofMillis(200));

        final FakeWorker good = worker().join(server);
        assertEquals(0, good.rank, "the refused worker's rank is free again");
        finish(new FakeWorker[]{ good }, 0, false, 6, new int[]{ 180 });
        assertEquals(List.of(), observer.await(30).lostRanks());
        assertEquals(1, observer.refused.size());
    }

    @Test
    void shouldRefuseAJoinerWhoseOutletCannotBeOpenedWhileTheJobRunsOn() throws Exception
    {
        // Long enough for a joiner: it is told a step some steps ahead (JoinMargin), within the job.
        start(TestJob.settings(2, "step-timeout = 120s, join-margin = 4"), 4);
        final FakeWorker[] workers = { worker().join(server), worker().join(server) };
        for (final FakeWorker worker : workers)
        {
            worker.expectStep(0);
        }
        // Rank 1 goes away before delivering step 0; rank 0 then computes both shards.
        workers[1].probe.stop();
        workers[0].push(0, 180);
        workers[0].expectStep(1);

        final FakeWorker joiner = worker();
        serverPlane.breakOutletTo(joiner.endpoint(), "host w-1.workers does not resolve");
        joiner.register(server);
        final ServerProtocol.Refused refused = joiner.probe.expectMessageClass(ServerProtocol.Refused.class,
            Duration.ofSeconds(30));
        assertTrue(refused.reason().contains(joiner.endpoint()), refused.reason());
        finish(new FakeWorker[]{ workers[0] }, 1, true, 12, new int[]{ 360 });
        final JobResult result = observer.await(30);
        assertEquals(List.of(1), result.lostRanks());
    }

    private void start(final ClusterSettings settings)
    {
        start(settings, 1);
    }

    private void start(final ClusterSettings settings, final int epochs)
    {
        job = TestJob.of("train { batch-size = 180, momentum = 0.0, epochs = " + epochs + " }");
        serverPlane = cluster.network().newPlane("ps");
        server = cluster.testKit().spawn(ParameterServer.create(job.server(settings, serverPlane, null), observer));
        final TestProbe<Receptionist.Listing> listings = cluster.testKit().createTestProbe();
        cluster.testKit().system().receptionist().tell(Receptionist.subscribe(ServerProtocol.KEY, listings.getRef()));
        listings.fishForMessage(Duration.ofSeconds(30), listing -> listing.getServiceInstances(ServerProtocol.KEY)
            .isEmpty() ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete());
        floats = (int)Model.create(job.spec, 1).parameterCount();
    }

    private FakeWorker worker()
    {
        return new FakeWorker(cluster.testKit(), cluster.network(), job.identity(), floats);
    }

    /**
     * Pushes steps {@code from} to {@code steps - 1}, each once its order is in (that of {@code from} is already in
     * when {@code arrived}), with {@code rows} examples per worker.
     */
    private static void finish(
        final FakeWorker[] workers, final long from, final boolean arrived, final long steps, final int[] rows)
        throws InterruptedException
    {
        for (long step = from; step < steps; step++)
        {
            for (int i = 0; i < workers.length; i++)
            {
                if (step > from || !arrived)
                {
                    workers[i].expectStep(step);
                }
                workers[i].push(step, rows[i]);
            }
        }
    }
}
