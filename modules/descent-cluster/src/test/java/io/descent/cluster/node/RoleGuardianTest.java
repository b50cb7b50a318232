package io.descent.cluster.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's role actor stops before its node leaves the cluster, so it never sees its own leaving as its peers'
 * departure; the node learns when and how the role ended by itself, and is not told of the stop its shutdown made.
 */
class RoleGuardianTest
{
    private ActorSystem<RoleGuardian.Command> system;

    @AfterEach
    void terminate() throws Exception
    {
        if (null != system)
        {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldStopTheRoleWhileItsNodeIsStillUp() throws Exception
    {
        final CompletableFuture<MemberStatus> statusAtStop = new CompletableFuture<>();
        final RoleGuardian.Started started = RoleGuardian.start("role", recordingStatusAtStop(statusAtStop),
            "descent", nodeConfig());
        system = started.system();
        final Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        awaitUp(cluster, Duration.ofSeconds(30));

        system.terminate();

        assertEquals(MemberStatus.up(), statusAtStop.get(60, TimeUnit.SECONDS),
            "the role stopped before the node began to leave");
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertFalse(started.roleStopped().toCompletableFuture().isDone(),
            "a stop the shutdown asked for is not reported as the role's end");
    }


    @Test
    void shouldTellWhatACrashedRoleThrew() throws Exception
    {
        final IllegalStateException bug = new IllegalStateException("a bug in a message handler");
        final RoleGuardian.Started started = RoleGuardian.start("role", Behaviors.<String>setup(context ->
        {
            context.getSelf().tell("a message it cannot handle");
            return Behaviors.receiveMessage(message ->
            {
                throw bug;
            });
        }), "descent", nodeConfig());
        system = started.system();

        final ExecutionException crashed = assertThrows(ExecutionException.class,
            () -> started.roleStopped().toCompletableFuture().get(60, TimeUnit.SECONDS));
        assertSame(bug, crashed.getCause());
    }

    @Test
    void shouldTellThatTheRoleEndedByItselfAndStillShutDown() throws Exception
    {
        final RoleGuardian.Started started = RoleGuardian.start("role", Behaviors.stopped(), "descent", nodeConfig());
        system = started.system();
        assertNull(started.roleStopped().toCompletableFuture().get(60, TimeUnit.SECONDS), "ended normally");
        final Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        awaitUp(cluster, Duration.ofSeconds(30));

        system.terminate();

        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertTrue(system.whenTerminated().isCompleted());
    }

    private static Behavior<Object> recordingStatusAtStop(final CompletableFuture<MemberStatus> status)
    {
        return Behaviors.setup(context -> Behaviors.receive(Object.class)
            .onSignal(PostStop.class, stop ->
            {
                status.complete(Cluster.get(context.getSystem()).selfMember().status());
                return Behaviors.same();
            })
            .build());
    }

    private static void awaitUp(final Cluster cluster, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (cluster.selfMember().status() != MemberStatus.up())
        {
            assertTrue(System.nanoTime() - deadline < 0, "node not up within " + timeout);
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private static Config nodeConfig()
    {
        return ConfigFactory.parseString("akka.remote.artery.canonical.hostname = 127.0.0.1\n" +
                "akka.remote.artery.canonical.port = 0\n" +
                "akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n")
            .withFallback(ConfigFactory.parseResources(RoleGuardianTest.class.getClassLoader(), "descent-node.conf"))
            .withFallback(ConfigFactory.load());
    }
}
