package io.descent.cluster.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;

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
    interface Command
    {
    }

    private enum Stop implements Command
    {
        ROLE, ROLE_STOPPED
    }

    private RoleGuardian()
    {
    }

    /**
     * @param role  the role's name, also its actor's name ({@code ps}, {@code worker}).
     * @param actor the role's behavior.
     * @param <T>   its message type.
     * @return the guardian behavior.
     */
    static <T> Behavior<Command> create(final String role, final Behavior<T> actor)
    {
        return Behaviors.setup(context ->
        {
            final ActorRef<T> roleActor = context.spawn(actor, role);
            final CompletableFuture<Done> stopped = new CompletableFuture<>();
            context.watchWith(roleActor, Stop.ROLE_STOPPED);
            CoordinatedShutdown.get(context.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                "descent-stop-" + role, () ->
                {
                    context.getSelf().tell(Stop.ROLE);
                    return stopped;
                });
            return Behaviors.receive(Command.class)
                .onMessageEquals(Stop.ROLE, () -> stopRole(context, roleActor))
                .onMessageEquals(Stop.ROLE_STOPPED, () ->
                {
                    stopped.complete(Done.getInstance());
                    return Behaviors.same();
                })
                .build();
        });
    }

    private static <T> Behavior<Command> stopRole(final ActorContext<Command> context, final ActorRef<T> roleActor)
    {
        // A role actor that already ended is no child any more: stopping it again does nothing.
        context.stop(roleActor);
        return Behaviors.same();
    }
}
