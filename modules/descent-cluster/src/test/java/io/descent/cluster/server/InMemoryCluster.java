package io.descent.cluster.server;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.descent.cluster.dataplane.InMemoryNetwork;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh ActorTestKit and in-memory data-plane network for each test:
 * {@code @RegisterExtension final InMemoryCluster cluster = new InMemoryCluster();}. Both are shut down after the
 * test.
 */
final class InMemoryCluster implements BeforeEachCallback, AfterEachCallback
{
    private ActorTestKit testKit;
    private InMemoryNetwork network;

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        testKit = ActorTestKit.create();
        network = new InMemoryNetwork();
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        testKit.shutdownTestKit();
        network.close();
    }

    /** @return this test's actor test kit. */
    ActorTestKit testKit()
    {
        return testKit;
    }

    /** @return this test's in-memory data-plane network. */
    InMemoryNetwork network()
    {
        return network;
    }
}
