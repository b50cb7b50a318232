package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.FishingOutcomes;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.worker.WorkerOutcome;
import io.descent.nn.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster key at registration: a worker that proves the server's key is accepted; a wrong key, or a key on one
 * side only, is refused with the reason on both sides (the worker's Refused and the server's observer), never
 * showing a key, and the refused worker takes no rank.
 */
class KeyedRegistrationTest
{
    private static final String KEY = "0123456789abcdef-the-right-key";
    private static final String OTHER = "fedcba9876543210-another-key";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final TestJob job = TestJob.of("train { batch-size = 180, epochs = 1 }");
    private final RecordingObserver observer = new RecordingObserver();

    @Test
    void shouldAcceptAWorkerThatProvesTheServersKey()
    {
        final ActorRef<ServerProtocol.Command> server = startServer(KEY);
        final FakeWorker worker = fake().withKey(key(KEY)).join(server);
        assertEquals(0, worker.rank);
        assertTrue(observer.refused.isEmpty(), observer.refused.toString());
    }

    @Test
    void shouldRefuseAWrongKeyWithTheReasonOnBothSidesAndKeepTheRankFree()
    {
        final ActorRef<ServerProtocol.Command> server = startServer(KEY);
        final String reason = expectRefused(fake().withKey(key(OTHER)), server);
        assertTrue(reason.contains("key proof does not match"), reason);
        assertEquals(0, fake().withKey(key(KEY)).join(server).rank, "the refused worker took no rank");
    }

    @Test
    void shouldRefuseAWorkerWithoutAKeyWhenTheServerHasOne()
    {
        final String reason = expectRefused(fake(), startServer(KEY));
        assertTrue(reason.contains("the worker has no cluster key but the parameter server has one"), reason);
    }

    @Test
    void shouldRefuseAWorkerWithAKeyWhenTheServerHasNone()
    {
        final String reason = expectRefused(fake().withKey(key(KEY)), startServer(""));
        assertTrue(reason.contains("the worker has a cluster key but the parameter server has none"), reason);
    }

    @Test
    void shouldTrainWithRealWorkersThatShareTheKeyAndRefuseOneThatDoesNot() throws Exception
    {
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("node"))
            .server(job, settings(KEY), null).workers(job, settings(OTHER), 1);
        final WorkerOutcome refused = harness.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        assertTrue(refused.message().startsWith("cluster key differs: ") &&
            refused.message().endsWith("set the same DESCENT_CLUSTER_KEY on every node"), refused.message());
        harness.workers(job, settings(KEY), 2);
        assertEquals(1, harness.observer.await(120).epochs().size());
        assertEquals(WorkerOutcome.Status.FINISHED, harness.workers.get(1).get(30, TimeUnit.SECONDS).status());
        assertEquals(1, harness.observer.refused.size());
    }

    private String expectRefused(final FakeWorker worker, final ActorRef<ServerProtocol.Command> server)
    {
        worker.register(server);
        final ServerProtocol.Refused refused = worker.probe.expectMessageClass(ServerProtocol.Refused.class,
            Duration.ofSeconds(30));
        final String reason = refused.reason();
        assertTrue(reason.startsWith("cluster key differs: "), reason);
        assertTrue(reason.endsWith("; set the same DESCENT_CLUSTER_KEY on every node"), reason);
        assertFalse(reason.contains(KEY) || reason.contains(OTHER) || reason.contains("\n"), reason);
        assertEquals(1, observer.refused.size());
        assertEquals(reason, observer.refused.get(0), "the same reason on the server's side");
        return reason;
    }

    private ActorRef<ServerProtocol.Command> startServer(final String serverKey)
    {
        final ActorRef<ServerProtocol.Command> server = cluster.testKit().spawn(ParameterServer.create(
            job.server(settings(serverKey), cluster.network().newPlane("ps"), null), observer));
        final TestProbe<Receptionist.Listing> listings = cluster.testKit().createTestProbe();
        cluster.testKit().system().receptionist().tell(Receptionist.subscribe(ServerProtocol.KEY, listings.getRef()));
        listings.fishForMessage(Duration.ofSeconds(30), listing ->
            listing.getServiceInstances(ServerProtocol.KEY).isEmpty() ? FishingOutcomes.continueAndIgnore() :
                FishingOutcomes.complete());
        return server;
    }

    private FakeWorker fake()
    {
        return new FakeWorker(cluster.testKit(), cluster.network(), job.identity(),
            (int)Model.create(job.spec, 1).parameterCount());
    }

    private static ClusterSettings settings(final String key)
    {
        return TestJob.settings(2, "key = \"" + key + "\"");
    }

    private static ClusterKey key(final String text)
    {
        return ClusterKey.parse(text, "test");
    }
}
