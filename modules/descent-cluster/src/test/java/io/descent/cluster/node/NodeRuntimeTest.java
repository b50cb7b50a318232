package io.descent.cluster.node;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.ClusterSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A node (real Aeron transport and Akka cluster system) learns when its role's actor stops, and whether it crashed:
 * a command waiting for the actor's outcome must not wait forever for an actor that is gone.
 */
class NodeRuntimeTest
{
    private static final Config ROOT = ConfigFactory.parseString(
        "descent.cluster.data-plane.bind = \"127.0.0.1:0\"\nakka.loglevel = ERROR").withFallback(ConfigFactory.load());

    @Test
    void shouldCompleteRoleStoppedWithWhatTheRolesActorThrew() throws Exception
    {
        final IllegalStateException thrown = new IllegalStateException("a bug in a message handler");
        final CompletableFuture<Void> stopped = run(Behaviors.<String>setup(context ->
        {
            context.getSelf().tell("a message it cannot handle");
            return Behaviors.receiveMessage(message ->
            {
                throw thrown;
            });
        }));
        final ExecutionException crashed = assertThrows(ExecutionException.class,
            () -> stopped.get(30, TimeUnit.SECONDS));
        assertSame(thrown, crashed.getCause());
    }

    @Test
    void shouldCompleteRoleStoppedNormallyWhenTheActorStopsItself() throws Exception
    {
        assertNull(run(Behaviors.stopped()).get(30, TimeUnit.SECONDS));
    }

    private static <T> CompletableFuture<Void> run(final Behavior<T> role) throws Exception
    {
        final ClusterSettings settings = ClusterSettings.from(ROOT, Map.of());
        try (NodeRuntime runtime = NodeRuntime.startDataPlane(ROOT, settings, true))
        {
            runtime.startActors("ps", "127.0.0.1:0", null, ROOT, role);
            final CompletableFuture<Void> stopped = runtime.roleStopped().toCompletableFuture();
            // Before the node closes: its own shutdown stops the actor too.
            stopped.handle((ignored, crash) -> null).get(30, TimeUnit.SECONDS);
            return stopped;
        }
    }
}
