package io.descent.cluster.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;

import java.util.concurrent.CompletableFuture;

/**
 * The guardian of a node's actor system: spawns the node's role actor (parameter server or worker) and, when the
 * system shuts down (a signal, or {@link NodeRuntime#close()}), stops it before the node leaves the cluster, in
 * Akka's first shutdown phase. A role actor still running while its own node leaves would see every peer's actor as
 * terminated (its death watches fire as the membership goes) and report lost workers or a failed job that never
 * happened; stopped first, its peers see it go instead, and tell their users the truth (the server left).
 */
final class RoleGuardian
{
    /** What the guardian handles. */
    enum Command
    {
        /** Stop the role actor (from the shutdown task). */
        STOP_ROLE,
        /** The role actor has stopped (its death watch). */
        ROLE_STOPPED
    }

    private RoleGuardian()
    {
    }

    /**
     * Starts an actor system whose guardian runs {@code actor}, with the shutdown task that stops it registered
     * before this returns (so a shutdown that begins at once still stops the role first).
     *
     * @param role   the role's name, also its actor's name ({@code ps}, {@code worker}).
     * @param actor  the role's behavior.
     * @param name   the actor system's name.
     * @param config its configuration.
     * @param <T>    the role's message type.
     * @return the running system.
     */
    static <T> ActorSystem<Command> start(
        final String role, final Behavior<T> actor, final String name, final Config config)
    {
        final CompletableFuture<Done> stopped = new CompletableFuture<>();
        final ActorSystem<Command> system = ActorSystem.create(guardian(role, actor, stopped), name, config);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "descent-stop-" + role,
            () ->
            {
                system.tell(Command.STOP_ROLE);
                return stopped;
            });
        return system;
    }

    private static <T> Behavior<Command> guardian(
        final String role, final Behavior<T> actor, final CompletableFuture<Done> stopped)
    {
        return Behaviors.setup(context ->
        {
            final ActorRef<T> roleActor = context.spawn(actor, role);
            context.watchWith(roleActor, Command.ROLE_STOPPED);
            return Behaviors.receive(Command.class)
                .onMessageEquals(Command.STOP_ROLE, () ->
                {
                    // A role actor that already ended is no child any more: stopping it again does nothing.
                    context.stop(roleActor);
                    return Behaviors.same();
                })
                .onMessageEquals(Command.ROLE_STOPPED, () ->
                {
                    stopped.complete(Done.getInstance());
                    return Behaviors.same();
                })
                .build();
        });
    }
}
