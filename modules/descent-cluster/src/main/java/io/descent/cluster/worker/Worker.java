package io.descent.cluster.worker;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.compute.ComputeThread;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.StepOrder;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A worker of a synchronous data-parallel job. Builds its model, finds the parameter server through the
 * Receptionist, registers with its data-plane endpoint and model identity, and then, per step: waits for that
 * weights version and its {@link StepOrder} on the data plane (the weights written straight into its model), computes
 * the gradient of its batch and pushes it, then its {@link io.descent.cluster.protocol.GradientMeta}, over the data
 * plane. No control message is on a step's path, and no thread hand-off either: the compute thread itself waits for
 * the weights (polling an inline data plane), computes and pushes, and only then tells the actor. Stops when told to
 * {@link ServerProtocol.Finish finish}, when refused, when the server goes away, or when the next weights do not come
 * in time; the outcome completes the future given to {@link #create}. It registers with, and names itself to the
 * server by, a message adapter that turns the server's {@link ServerProtocol.ToWorker} messages into its own.
 *
 * <p>A server that goes away without finishing the job (its death watch fires, or this node is downed because the
 * server became unreachable) is a pause: the worker stops with {@link WorkerOutcome.Status#SERVER_LOST} and leaves
 * its {@link WorkerState} (engine, rank) intact, so that a new worker actor in a fresh actor system registers with the
 * restarted server under the same rank ({@link WorkerNode}), within {@code descent.cluster.server-lost-timeout}.
 *
 * <p>All ND4J work runs on the worker's own {@link ComputeThread}, which the {@link WorkerState} holds.
 */
public final class Worker extends AbstractBehavior<Worker.Command>
{
    /** Messages of a worker. */
    public interface Command
    {
    }

    /** A message of the parameter server, through this worker's message adapter. */
    private record FromServer(ServerProtocol.ToWorker message) implements Command
    {
    }

    private record EngineReady(WorkerEngine engine) implements Command
    {
    }

    private record ServersListed(Set<ActorRef<ServerProtocol.Command>> servers) implements Command
    {
    }

    private record Armed(long totalSteps) implements Command
    {
    }

    private record ComputeFailed(String what, Throwable cause) implements Command
    {
    }

    private record ServerStopped() implements Command
    {
    }

    private enum RegistrationDeadline implements Command
    {
        INSTANCE
    }

    /** Longest a compute-thread wait for weights runs before it comes back to the actor (stop, re-accept). */
    private static final long AWAIT_SLICE_NS = 200_000_000L;

    private final ActorContext<Command> context;
    private final WorkerSetup setup;
    private final CompletableFuture<WorkerOutcome> outcome;
    private final WorkerObserver observer;
    private final WorkerState state;
    /** True when this actor made {@link #state} itself, and closes it when it stops. */
    private final boolean ownsState;
    private final ComputeThread compute;
    /** The ref the server knows this worker by: it registers with it, and the server's messages come through it. */
    private final ActorRef<ServerProtocol.ToWorker> fromServer;
    private WorkerEngine engine;
    private ActorRef<ServerProtocol.Command> server;
    private int rank = -1;
    private long totalSteps = Long.MAX_VALUE;
    private long lastPushed = -1;
    private long awaited = -1;
    /** True while a {@link WorkerEngine#run} task is queued or running: there is never more than one. */
    private boolean awaiting;

    /**
     * @param setup   the job, data, model, settings and data plane.
     * @param outcome completed when the worker stops.
     * @return the behavior.
     */
    public static Behavior<Command> create(final WorkerSetup setup, final CompletableFuture<WorkerOutcome> outcome)
    {
        return create(setup, outcome, WorkerObserver.NONE);
    }

    /**
     * @param setup    the job, data, model, settings and data plane.
     * @param outcome  completed when the worker stops.
     * @param observer told of the rank and every step.
     * @return the behavior.
     */
    public static Behavior<Command> create(
        final WorkerSetup setup, final CompletableFuture<WorkerOutcome> outcome, final WorkerObserver observer)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new Worker(context, timers, setup, outcome, observer, new WorkerState(setup), true)));
    }

    /**
     * A worker that borrows {@code state}: the caller closes it, and, when the outcome is
     * {@link WorkerOutcome.Status#SERVER_LOST}, may hand it to a new worker actor (in a fresh actor system) that
     * registers with the restarted server under the same rank.
     *
     * @param setup    the job, data, model, settings and data plane.
     * @param outcome  completed when the worker stops.
     * @param observer told of the rank and every step.
     * @param state    the compute thread, engine and rank, kept from a worker actor that lost its server.
     * @return the behavior.
     */
    public static Behavior<Command> create(
        final WorkerSetup setup, final CompletableFuture<WorkerOutcome> outcome, final WorkerObserver observer,
        final WorkerState state)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new Worker(context, timers, setup, outcome, observer, state, false)));
    }

    private Worker(
        final ActorContext<Command> context,
        final TimerScheduler<Command> timers,
        final WorkerSetup setup,
        final CompletableFuture<WorkerOutcome> outcome,
        final WorkerObserver observer,
        final WorkerState state,
        final boolean ownsState)
    {
        super(context);
        this.context = context;
        this.setup = setup;
        this.outcome = outcome;
        this.observer = observer;
        this.state = state;
        this.ownsState = ownsState;
        final ActorRef<Command> self = context.getSelf();
        this.compute = state.compute();
        state.onComputeFailure((what, cause) -> self.tell(new ComputeFailed(what, cause)));
        this.fromServer = context.messageAdapter(ServerProtocol.ToWorker.class, FromServer::new);
        timers.startSingleTimer(RegistrationDeadline.INSTANCE, state.lost() ?
            state.leftToFindServer(setup.settings().serverLostTimeout(), System.nanoTime()) :
            setup.settings().registrationTimeout());
        if (null == state.engine())
        {
            pipe(() -> new WorkerEngine(setup, observer), EngineReady::new, "building the model");
        }
        else
        {
            self.tell(new EngineReady(state.engine()));
        }
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(EngineReady.class, this::onEngineReady)
            .onMessage(ServersListed.class, this::onServersListed)
            .onMessage(FromServer.class, this::onFromServer)
            .onMessage(Armed.class, this::onArmed)
            .onMessage(WorkerEngine.Waiting.class, this::onWaiting)
            .onMessage(WorkerEngine.Missed.class, this::onMissed)
            .onMessage(WorkerEngine.Pushed.class, this::onPushed)
            .onMessage(ServerStopped.class, this::onServerStopped)
            .onMessageEquals(RegistrationDeadline.INSTANCE, this::onRegistrationDeadline)
            .onMessage(ComputeFailed.class, this::onComputeFailed)
            .onSignal(PostStop.class, signal -> onPostStop())
            .build();
    }

    private Behavior<Command> onEngineReady(final EngineReady ready)
    {
        engine = ready.engine();
        state.engine(engine);
        final ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
            listing -> new ServersListed(listing.getServiceInstances(ServerProtocol.KEY)));
        context.getSystem().receptionist().tell(Receptionist.subscribe(ServerProtocol.KEY, listings));
        return this;
    }

    private Behavior<Command> onServersListed(final ServersListed listed)
    {
        if (null != server || listed.servers().isEmpty())
        {
            return this;
        }
        final ActorRef<ServerProtocol.Command> candidate = listed.servers().iterator().next();
        // After a lost server, the rank it had: the restarted server resumes where each rank's shard was.
        final int wanted = state.rank() >= 0 ? state.rank() : setup.settings().rank();
        context.getLog().info("found parameter server {}; registering{}", candidate.path(),
            wanted >= 0 ? " for rank " + wanted : "");
        candidate.tell(Registration.of(context.getSystem(), fromServer, candidate, setup, engine.identity(), wanted));
        return this;
    }

    private Behavior<Command> onFromServer(final FromServer from)
    {
        final ServerProtocol.ToWorker message = from.message();
        if (message instanceof ServerProtocol.Accepted accepted)
        {
            return onAccepted(accepted);
        }
        if (message instanceof ServerProtocol.Refused refused)
        {
            return onRefused(refused);
        }
        return onFinish((ServerProtocol.Finish)message);
    }

    private Behavior<Command> onAccepted(final ServerProtocol.Accepted accepted)
    {
        if (rank >= 0 && (accepted.rank() != rank || accepted.firstStep() == awaited))
        {
            return this;
        }
        final long firstStep = accepted.firstStep();
        if (rank >= 0)
        {
            // Armed too late to join the running job at the step it was told: arm for the later one, nothing else.
            context.getLog().info("worker rank {} re-arms to join at step {} (step {} went out before it was ready)",
                rank, firstStep, awaited);
            engine.abandon(awaited);
            awaited = firstStep;
            pipe(() ->
            {
                engine.expectFirst(firstStep, weightsDeadline());
                return new Armed(engine.totalSteps());
            }, armed -> armed, "arming for step " + firstStep);
            return this;
        }
        server = accepted.server();
        rank = accepted.rank();
        state.accepted(rank);
        context.watchWith(server, new ServerStopped());
        observer.onAccepted(rank, accepted.workers());
        observer.onDataPlane(setup.settings().dataPlane(accepted.dataPlane()).label());
        awaited = firstStep;
        context.getLog().info("accepted as worker rank {} of {} from step {} (server incarnation {})", rank,
            accepted.workers(), firstStep, String.format("%016x", accepted.incarnation()));
        pipe(() ->
        {
            engine.join(accepted.rank(), accepted.workers(), accepted.serverEndpoint(), accepted.incarnation(),
                accepted.workerSession(), accepted.serverSession(), accepted.shards(), accepted.dataPlane());
            engine.expectFirst(firstStep, weightsDeadline());
            return new Armed(engine.totalSteps());
        }, armed -> armed, "joining the job");
        return this;
    }

    private Behavior<Command> onArmed(final Armed armed)
    {
        totalSteps = armed.totalSteps();
        server.tell(new ServerProtocol.Ready(fromServer));
        awaitNext();
        return this;
    }

    /**
     * Hands the compute thread the steps from the next one on: it computes and pushes each as soon as its weights and
     * order are in, without coming back here between steps (it reports at least once per slice).
     */
    private void awaitNext()
    {
        if (awaiting || awaited < 0 || awaited >= totalSteps)
        {
            return;
        }
        awaiting = true;
        final long version = awaited;
        final long steps = totalSteps;
        pipe(() -> engine.run(version, steps, AWAIT_SLICE_NS), result -> result, "computing step " + version);
    }

    private Behavior<Command> onWaiting(final WorkerEngine.Waiting waiting)
    {
        awaiting = false;
        awaitNext();
        return this;
    }

    private Behavior<Command> onMissed(final WorkerEngine.Missed missed)
    {
        awaiting = false;
        if (missed.version() == awaited)
        {
            return missed(missed.what());
        }
        awaitNext();
        return this;
    }

    private Behavior<Command> onRefused(final ServerProtocol.Refused refused)
    {
        // Bad input: the command prints the reason as its one line on stderr.
        context.getLog().info("refused by the parameter server: {}", refused.reason());
        return stop(WorkerOutcome.Status.REFUSED, refused.reason());
    }

    private Behavior<Command> missed(final String what)
    {
        final String reason = what + " did not arrive within descent.cluster.weights-timeout = " +
            setup.settings().weightsTimeout().toSeconds() + " s";
        if (null != server)
        {
            server.tell(new ServerProtocol.Leave(fromServer, reason));
        }
        return stop(WorkerOutcome.Status.FAILED, reason);
    }

    private Behavior<Command> onPushed(final WorkerEngine.Pushed pushed)
    {
        awaiting = false;
        if (!pushed.result().isSent())
        {
            final String reason = "pushing the gradient of step " + pushed.step() + " failed: " + pushed.result();
            server.tell(new ServerProtocol.Leave(fromServer, reason));
            return stop(WorkerOutcome.Status.FAILED, reason);
        }
        lastPushed = pushed.step();
        awaited = pushed.step() + 1;
        awaitNext();
        return this;
    }

    private Behavior<Command> onFinish(final ServerProtocol.Finish finish)
    {
        context.getLog().info("job over for worker rank {}: {}", rank, finish.message());
        final WorkerOutcome.Status status = finish.success() ? WorkerOutcome.Status.FINISHED :
            finish.badInput() ? WorkerOutcome.Status.BAD_INPUT : WorkerOutcome.Status.FAILED;
        return stop(status, finish.message());
    }

    private Behavior<Command> onServerStopped(final ServerStopped stopped)
    {
        // The server may leave right after the last step, before its Finish overtakes the termination notice.
        return lastPushed == totalSteps - 1 ? stop(WorkerOutcome.Status.FINISHED, "job complete") :
            serverLost("the parameter server left the cluster without ending the job");
    }

    /** The server went away without a {@link ServerProtocol.Finish}: stop, keeping the state for its next start. */
    private Behavior<Command> serverLost(final String reason)
    {
        lost(reason);
        return Behaviors.stopped();
    }

    private void lost(final String reason)
    {
        state.lost(System.nanoTime());
        context.getLog().warn("worker rank {} lost the parameter server ({}) after pushing step {}; it keeps its " +
            "model and data and looks for a restarted server for up to descent.cluster.server-lost-timeout = {} s",
            rank, reason, lastPushed, setup.settings().serverLostTimeout().toSeconds());
        outcome.complete(new WorkerOutcome(WorkerOutcome.Status.SERVER_LOST, rank, reason));
    }

    private Behavior<Command> onRegistrationDeadline()
    {
        if (rank >= 0)
        {
            return this;
        }
        if (state.lost())
        {
            final String reason = "no parameter server accepted this worker within descent.cluster." +
                "server-lost-timeout = " + setup.settings().serverLostTimeout().toSeconds() + " s after it lost " +
                "the server; giving up (restart the parameter server with --resume DIR sooner, or raise the timeout)";
            context.getLog().error(reason);
            return stop(WorkerOutcome.Status.FAILED, reason);
        }
        final String reason = "no parameter server accepted this worker within descent.cluster.registration-timeout" +
            " = " + setup.settings().registrationTimeout().toSeconds() + " s; check the seed address and that the " +
            "parameter server is running";
        context.getLog().error(reason);
        return stop(WorkerOutcome.Status.NOT_FOUND, reason);
    }

    private Behavior<Command> onComputeFailed(final ComputeFailed failed)
    {
        context.getLog().error("worker rank {} failed while {} (awaiting weights version {}, last pushed step {})",
            rank, failed.what(), awaited, lastPushed, failed.cause());
        final String reason = "failed while " + failed.what() + ": " + failed.cause();
        if (null != server)
        {
            server.tell(new ServerProtocol.Leave(fromServer, reason));
        }
        return stop(WorkerOutcome.Status.FAILED, reason);
    }

    private Behavior<Command> stop(final WorkerOutcome.Status status, final String message)
    {
        outcome.complete(new WorkerOutcome(status, rank, message));
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop()
    {
        if (!outcome.isDone() && downed())
        {
            // This node was downed: the server became unreachable and the split-brain resolver downs the side
            // without the oldest node, the server. A pause, unless the job's last step was already pushed.
            if (lastPushed >= 0 && lastPushed == totalSteps - 1)
            {
                outcome.complete(new WorkerOutcome(WorkerOutcome.Status.FINISHED, rank, "job complete"));
            }
            else
            {
                lost("the parameter server became unreachable and this node was downed");
            }
        }
        if (null != engine)
        {
            // Ends a wait for weights now; a worker that goes on after a lost server arms again at its next join.
            engine.stop();
        }
        if (ownsState)
        {
            state.close();
        }
        outcome.complete(new WorkerOutcome(WorkerOutcome.Status.FAILED, rank, "the worker was stopped"));
        return this;
    }

    /** @return true when this node's actor system is shutting down because the cluster downed it. */
    private boolean downed()
    {
        return CoordinatedShutdown.get(context.getSystem()).getShutdownReason()
            .map(reason -> reason.equals(CoordinatedShutdown.clusterDowningReason())).orElse(false);
    }

    private long weightsDeadline()
    {
        return System.nanoTime() + setup.settings().weightsTimeout().toNanos();
    }

    private <T> void pipe(final Callable<T> task, final Function<T, Command> onSuccess, final String what)
    {
        context.pipeToSelf(compute.submit(task),
            (value, failure) -> null == failure ? onSuccess.apply(value) : new ComputeFailed(what, failure));
    }
}
