package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.InMemoryNetwork;
import io.descent.cluster.worker.Worker;
import io.descent.cluster.worker.WorkerOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane across Akka remoting: the parameter server on one cluster node and real workers on another, so
 * that every control message goes through the Kryo serializer, a worker's message adapter ref crosses the wire in
 * its registration (and its key proof covers that ref as both nodes render it), and the server's death watch on that
 * ref reaches the worker's node. The data plane stays in memory.
 */
class TwoNodeTest
{
    private static final String KEY = "0123456789abcdef-the-right-key";

    private ActorTestKit serverNode;
    private ActorTestKit workerNode;
    private InMemoryNetwork network;

    @BeforeEach
    void start()
    {
        serverNode = ActorTestKit.create("descent", nodeConfig());
        workerNode = ActorTestKit.create("descent", nodeConfig());
        final Cluster first = Cluster.get(serverNode.system());
        first.manager().tell(Join.create(first.selfMember().address()));
        Cluster.get(workerNode.system()).manager().tell(Join.create(first.selfMember().address()));
        network = new InMemoryNetwork();
        awaitBothUp();
    }

    /**
     * As in a real job, where a worker finds the server through the Receptionist only once its node is a member. Akka
     * Cluster treats a death watch on a node that is not yet a member apart (ClusterRemoteWatcher); one timeout of this
     * test under load, waiting for the held worker's termination, was suspected to be that race.
     */
    private void awaitBothUp()
    {
        for (final ActorTestKit node : List.of(serverNode, workerNode))
        {
            node.createTestProbe().awaitAssert(Duration.ofSeconds(60), () ->
            {
                assertEquals(2, StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(),
                    false).filter(member -> member.status() == MemberStatus.up()).count(), "both nodes Up");
                return null;
            });
        }
    }

    @AfterEach
    void stop()
    {
        workerNode.shutdownTestKit();
        serverNode.shutdownTestKit();
        network.close();
    }

    @Test
    void shouldRefuseAdmitTrainAndWatchTheWorkersOfAnotherNode() throws Exception
    {
        final TestJob job = TestJob.of("train { batch-size = 180, epochs = 2 }");
        final ClusterSettings settings = settings(KEY);
        final ClusterHarness server = new ClusterHarness(serverNode, () -> network.newPlane("ps"))
            .server(job, settings, null);
        final ClusterHarness workers = new ClusterHarness(workerNode, () -> network.newPlane("worker"))
            .workers(job, settings("fedcba9876543210-another-key"), 1);
        final WorkerOutcome refused = workers.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        assertTrue(refused.message().startsWith("cluster key differs: "), refused.message());
        final HeldWorker held = new HeldWorker();
        try
        {
            final ActorRef<Worker.Command> stopping = held.spawn(workerNode, job, settings, network.newPlane("w"));
            assertEquals(0, held.accepted.get(60, TimeUnit.SECONDS), "its proof over its adapter ref verified");
            workers.workers(job, settings, 1);
            assertEquals(0L, held.held.get(60, TimeUnit.SECONDS));
            workerNode.stop(stopping);
        }
        finally
        {
            held.release();
        }
        final JobResult result = server.observer.await(120);
        assertEquals(6, result.steps());
        assertEquals(List.of(0), result.lostRanks());
        assertTrue(server.observer.lostReasons.get(0).contains("the worker terminated"),
            server.observer.lostReasons.toString());
        assertEquals(1, server.observer.refused.size(), server.observer.refused.toString());
        assertEquals(WorkerOutcome.Status.FINISHED, workers.workers.get(1).get(30, TimeUnit.SECONDS).status());
    }

    private static ClusterSettings settings(final String key)
    {
        return TestJob.settings(2, "key = \"" + key + "\", step-timeout = 120s");
    }

    private static Config nodeConfig()
    {
        return ConfigFactory.parseString("akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = 0 }\n" +
            "akka.loglevel = WARNING\nakka.cluster.jmx.multi-mbeans-in-same-jvm = on")
            .withFallback(ConfigFactory.parseResources(TwoNodeTest.class.getClassLoader(), "descent-node.conf"));
    }
}
