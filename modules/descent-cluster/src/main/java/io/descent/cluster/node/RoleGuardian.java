package io.descent.cluster.node;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The guardian of a node's actor system: spawns the node's role actor (parameter server or worker), tells when it
 * ended by itself and how, and, when the system shuts down (a signal, or {@link NodeRuntime#close()}), stops it before the
 * node leaves the cluster, in Akka's first shutdown phase. A role actor still running while its own node leaves
 * would see every peer's actor as terminated (its death watches fire as the membership goes) and report lost
 * workers or a failed job that never happened; stopped first, its peers see it go instead, and tell their users the
 * truth (the server left).
 */
final class RoleGuardian
{
    /** What the guardian handles: the shutdown task's request to stop the role actor. */
    enum Command
    {
        STOP_ROLE
    }

    /**
     * A started node's actor system and its role actor's end.
     *
     * @param system      the actor system.
     * @param roleStopped completes when the role actor has ended by itself: normally when it stopped itself,
     *                    exceptionally with what it threw when it crashed. Not when the system's shutdown stopped it:
     *                    the process is exiting, and a watcher reporting that stop as the role's failure would only
     *                    add noise to it (a crash while stopping is still reported).
     */
    record Started(ActorSystem<Command> system, CompletionStage<Void> roleStopped)
    {
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
    static <T> Started start(final String role, final Behavior<T> actor, final String name, final Config config)
    {
        final CompletableFuture<Void> roleStopped = new CompletableFuture<>();
        final CompletableFuture<Done> ended = new CompletableFuture<>();
        final ActorSystem<Command> system = ActorSystem.create(guardian(role, actor, roleStopped, ended), name,
            config);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "descent-stop-" + role,
            () ->
            {
                system.tell(Command.STOP_ROLE);
                return ended;
            });
        return new Started(system, roleStopped);
    }

    private static <T> Behavior<Command> guardian(final String role, final Behavior<T> actor,
        final CompletableFuture<Void> roleStopped, final CompletableFuture<Done> ended)
    {
        return Behaviors.setup(context ->
        {
            final ActorRef<T> roleActor = context.spawn(actor, role);
            context.watch(roleActor);
            final boolean[] stopping = { false };
            return Behaviors.receive(Command.class)
                .onMessageEquals(Command.STOP_ROLE, () ->
                {
                    stopping[0] = true;
                    // A role actor that already ended is no child any more: stopping it again does nothing.
                    context.stop(roleActor);
                    return Behaviors.same();
                })
                .onSignal(ChildFailed.class, failed ->
                {
                    roleStopped.completeExceptionally(failed.getCause());
                    ended.complete(Done.getInstance());
                    return Behaviors.same();
                })
                .onSignal(Terminated.class, stopped ->
                {
                    if (!stopping[0])
                    {
                        roleStopped.complete(null);
                    }
                    ended.complete(Done.getInstance());
                    return Behaviors.same();
                })
                .build();
        });
    }
}
