package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import io.descent.cluster.compute.ComputeThread;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.ServerProtocol.Command;
import io.descent.cluster.protocol.ServerProtocol.ToShard;
import io.descent.cluster.protocol.ShardMap;
import io.descent.nn.Model;
import io.descent.transport.wire.MessageKind;
import io.descent.nn.error.BadInputException;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A parameter-server shard other than the coordinator ({@code descent ps --shard I --shards S}, I ≥ 1): finds the
 * coordinator (shard 0) through the Receptionist ({@link ServerProtocol#COORDINATOR_KEY}), registers with it, builds
 * its range of the weights and optimizer state with the coordinator's boundaries and incarnation, and once the
 * coordinator has every worker ready ({@link ServerProtocol.ShardStart}) runs its range's synchronous steps on its
 * own compute thread ({@link StepLoop}, {@link ServerEngine}): publishes its range of each version to every worker,
 * sums its range of their gradients in rank order, applies the optimizer, and hands its range of each epoch's last
 * weights to the coordinator, which evaluates and reports. Membership is the coordinator's: a worker this shard
 * cannot send to is reported to it ({@link ServerProtocol.WorkerUnreachable}), and a worker the coordinator dropped
 * leaves this shard's orders from the step the coordinator names ({@link ServerProtocol.DropRank}, answered with
 * {@link ServerProtocol.RankDropped} once the step loop took it in); a worker joining in a lost rank's place gets an
 * outlet and is ordered from its join step ({@link ServerProtocol.AdmitRank}, answered with
 * {@link ServerProtocol.RankAdmitted}). After its last step it sends the coordinator its counters for the report
 * ({@link ServerProtocol.ShardStats}). Ends with the coordinator's {@link ServerProtocol.Finish}; tells the coordinator
 * when its own loop fails ({@link ServerProtocol.ShardStopped}). All ND4J work runs on the compute thread; the actor handles
 * control only.
 */
public final class ShardServer extends AbstractBehavior<Command>
{
    /** How a shard's part of the job went: each step it applied, and how it ended. Told on the actor's thread. */
    @FunctionalInterface
    public interface Observer
    {
        /**
         * Told once.
         *
         * @param success  the job completed.
         * @param badInput the job stopped on the user's input (exit 2).
         * @param message  one line.
         */
        void onEnded(boolean success, boolean badInput, String message);

        /**
         * A step this shard closed (under ssp and async: a step every live rank's range of it was applied), with its
         * counters so far (cumulative), for its {@code /metrics}.
         *
         * @param step          the step.
         * @param lateGradients (backup) gradients of its range dropped because their step closed without them.
         * @param closedEarly   (backup) steps it closed without some expected rank.
         * @param staleness     the staleness of the ranges it applied (ssp and async).
         */
        default void onStep(final long step, final long lateGradients, final long closedEarly,
            final Staleness staleness)
        {
        }
    }

    private record Known(JobIdentity identity) implements ParameterServer.PrivateCommand
    {
    }

    private record Listed(Receptionist.Listing listing) implements ParameterServer.PrivateCommand
    {
    }

    private record FromCoordinator(ToShard message) implements ParameterServer.PrivateCommand
    {
    }

    private record EngineReady(ServerEngine engine) implements ParameterServer.PrivateCommand
    {
    }

    private record Failed(String what, Throwable cause) implements ParameterServer.PrivateCommand
    {
    }

    /** Weights left in flight to a worker could not be sent (the compute thread's idle work). */
    private record SendFailed(int rank, long version, String reason) implements ParameterServer.PrivateCommand
    {
    }

    /** A joining worker's outlet is open (or {@code refused} says why not) and the step loop holds its rank. */
    private record Joined(int rank, long step, String refused) implements ParameterServer.PrivateCommand
    {
    }

    /** The step loop took in the coordinator's drop of a rank. */
    private record Left(int rank, long step) implements ParameterServer.PrivateCommand
    {
    }

    private enum CoordinatorGone implements ParameterServer.PrivateCommand
    {
        INSTANCE
    }

    private enum RegistrationDeadline implements ParameterServer.PrivateCommand
    {
        INSTANCE
    }

    private final ActorContext<Command> context;
    private final ServerSetup setup;
    private final int shard;
    private final Observer observer;
    private final ComputeThread compute;
    private final ActorRef<ToShard> self;
    private JobIdentity identity;
    private ActorRef<Command> coordinator;
    private ServerEngine engine;
    private StepLoop loop;
    private boolean ended;
    /** Steps this shard applied, and gradient bytes of its range received for them (for its counters). */
    private long steps;
    private long bytesReceived;

    /**
     * @param setup    the job, data, model, settings (its {@code servers} is the shard count) and data plane.
     * @param shard    this shard's index, 1 .. servers − 1.
     * @param observer told how the shard's part ended.
     * @return the behavior; it stops itself at the end.
     */
    public static Behavior<Command> create(final ServerSetup setup, final int shard, final Observer observer)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new ShardServer(context, timers, setup, shard, observer)));
    }

    private ShardServer(
        final ActorContext<Command> context, final TimerScheduler<Command> timers, final ServerSetup setup,
        final int shard, final Observer observer)
    {
        super(context);
        this.context = context;
        this.setup = setup;
        this.shard = shard;
        this.observer = observer;
        final ActorRef<Command> me = context.getSelf();
        this.compute = new ComputeThread("descent-shard-compute", setup.plane(),
            (what, cause) -> me.tell(new Failed(what, cause)));
        this.self = context.messageAdapter(ToShard.class, FromCoordinator::new);
        timers.startSingleTimer(RegistrationDeadline.INSTANCE, setup.settings().registrationTimeout());
        pipe(() -> JobIdentity.of(Model.create(setup.spec(), setup.job().seed()).fingerprint(), setup.job().raw()),
            Known::new, "building the model");
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(Known.class, this::onKnown)
            .onMessage(Listed.class, this::onListed)
            .onMessage(FromCoordinator.class, this::onCoordinator)
            .onMessage(EngineReady.class, this::onEngineReady)
            .onMessage(StepLoop.Started.class, started -> unreachable(started.failed(), started.reasons(),
                started.step()))
            .onMessage(StepLoop.Applied.class, this::onApplied)
            .onMessage(SendFailed.class, failed -> unreachable(List.of(failed.rank()), List.of(failed.reason()),
                failed.version()))
            .onMessage(Left.class, this::onLeft)
            .onMessage(Joined.class, this::onJoined)
            .onMessage(StepLoop.RangeNorm.class, own -> onRangeNorm(own))
            .onMessage(StepLoop.Halted.class, halted -> stop(null != BadInputException.in(halted.cause()),
                halted.reason()))
            .onMessage(Failed.class, failed -> stop(null != BadInputException.in(failed.cause()),
                null != BadInputException.in(failed.cause()) ? BadInputException.in(failed.cause()).getMessage() :
                    "failed while " + failed.what() + ": " + failed.cause()))
            .onMessageEquals(CoordinatorGone.INSTANCE, () -> end(false, false, "the coordinator (server shard 0) " +
                "went away without ending the job"))
            .onMessageEquals(RegistrationDeadline.INSTANCE, () -> null != engine ? this : end(false, false,
                "no coordinator accepted server shard " + shard + " within descent.cluster.registration-timeout = " +
                    setup.settings().registrationTimeout().toSeconds() + " s"))
            .onSignal(PostStop.class, signal -> onPostStop())
            .build();
    }

    private Behavior<Command> onKnown(final Known known)
    {
        identity = known.identity();
        final ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
            Listed::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(ServerProtocol.COORDINATOR_KEY, listings));
        context.getLog().info("server shard {} of {}: looking for the coordinator", shard,
            setup.settings().servers());
        return this;
    }

    private Behavior<Command> onListed(final Listed listed)
    {
        if (null != coordinator)
        {
            return this;
        }
        for (final ActorRef<Command> found : listed.listing().getServiceInstances(ServerProtocol.COORDINATOR_KEY))
        {
            final RegistrationClaim claim = RegistrationClaim.ofShard(ActorRefResolver.get(context.getSystem()), found,
                self, setup.plane().endpoint(), identity, NodeInfo.host(), NodeInfo.pid(), shard);
            found.tell(new ServerProtocol.RegisterShard(self, shard, setup.settings().servers(),
                claim.endpoint(), identity, claim.host(), claim.pid(), setup.settings().dataPlaneOffer(),
                setup.settings().key().prove(claim), setup.settings().consistency().label(),
                setup.settings().compression().label()));
        }
        return this;
    }

    private Behavior<Command> onCoordinator(final FromCoordinator from)
    {
        final ToShard message = from.message();
        if (message instanceof ServerProtocol.ShardAccepted accepted)
        {
            if (null != coordinator)
            {
                return this;
            }
            coordinator = accepted.coordinator();
            context.watchWith(coordinator, CoordinatorGone.INSTANCE);
            final ServerSetup mine = setup.withRole(new ShardRole(shard, accepted.bounds(), accepted.incarnation(),
                accepted.coordinatorEndpoint(), accepted.resumeStep(), accepted.dataPlane()));
            pipe(() -> new ServerEngine(mine), EngineReady::new, "building the range of server shard " + shard);
            return this;
        }
        if (message instanceof ServerProtocol.GlobalNorm global)
        {
            loop.onGlobalNorm(global.step(), global.squares());
            return this;
        }
        if (message instanceof ServerProtocol.StepClosedOn closed)
        {
            loop.onStepRanks(closed.step(), closed.ranks());
            return this;
        }
        if (message instanceof ServerProtocol.AdmitRank admit)
        {
            pipe(() -> admit(admit), joined -> joined, "admitting worker rank " + admit.rank());
            return this;
        }
        if (message instanceof ServerProtocol.DropRank drop)
        {
            final StepLoop dropping = loop;
            pipe(() ->
            {
                dropping.leave(drop.rank(), drop.step());
                return new Left(drop.rank(), drop.step());
            }, left -> left, "dropping worker rank " + drop.rank());
            return this;
        }
        if (message instanceof ServerProtocol.ShardStart start)
        {
            if (start.firstStep() != engine.startStep())
            {
                return stop(false, "the coordinator starts at step " + start.firstStep() + ", server shard " + shard +
                    " holds weights version " + engine.startStep());
            }
            pipe(() -> startSteps(start), started -> started, "publishing the first weights");
            return this;
        }
        if (message instanceof ServerProtocol.Refused refused)
        {
            return end(false, true, "the coordinator refused server shard " + shard + ": " + refused.reason());
        }
        final ServerProtocol.Finish finish = (ServerProtocol.Finish)message;
        return end(finish.success(), finish.badInput(), finish.message());
    }

    /**
     * A worker joins in a lost rank's place: its gradients are taken on its session only, an outlet to it opens on
     * the session the coordinator handed out, and the step loop orders it from the join step.
     */
    private Joined admit(final ServerProtocol.AdmitRank admit)
    {
        final int rank = admit.rank();
        final int session = ShardMap.session(admit.workerSession(), shard);
        if (0 != session)
        {
            setup.plane().bindSender(rank, session);
        }
        final String refused = engine.connect(rank, admit.endpoint(), ShardMap.session(admit.serverSession(), shard));
        loop.join(rank, admit.step());
        return new Joined(rank, admit.step(), refused);
    }

    /**
     * The joiner is in this shard's step loop: acknowledged, so the coordinator may order on; an outlet that did not
     * open makes it unreachable, for the coordinator to drop.
     */
    private Behavior<Command> onJoined(final Joined joined)
    {
        context.getLog().info("server shard {}: worker rank {} joins at step {}", shard, joined.rank(),
            joined.step());
        coordinator.tell(new ServerProtocol.RankAdmitted(shard, joined.rank(), joined.step()));
        if (null != joined.refused())
        {
            unreachable(List.of(joined.rank()), List.of(joined.refused()), joined.step());
        }
        return this;
    }

    /** The coordinator's drop is in this shard's step loop: acknowledged, so the coordinator may order the step. */
    private Behavior<Command> onLeft(final Left left)
    {
        context.getLog().info("server shard {}: worker rank {} dropped; out of the orders from step {}", shard,
            left.rank(), left.step());
        coordinator.tell(new ServerProtocol.RankDropped(shard, left.rank(), left.step()));
        return this;
    }

    /** Ranks this shard could not send weights {@code version} to: the coordinator decides whether they are lost. */
    private Behavior<Command> unreachable(final List<Integer> ranks, final List<String> reasons, final long version)
    {
        for (int i = 0; i < ranks.size(); i++)
        {
            context.getLog().warn("server shard {}: sending weights version {} to rank {} failed: {}", shard,
                version, ranks.get(i), reasons.get(i));
            coordinator.tell(new ServerProtocol.WorkerUnreachable(shard, ranks.get(i), version, reasons.get(i)));
        }
        return this;
    }

    private Behavior<Command> onApplied(final StepLoop.Applied applied)
    {
        unreachable(applied.failed(), applied.reasons(), applied.step() + 1);
        observer.onStep(applied.step(), applied.late(), applied.closedEarly(), applied.staleness());
        steps++;
        bytesReceived += applied.bytesReceived();
        if (!applied.published())
        {
            // The job's last step: this shard's counters for the coordinator's report, read where they are written.
            final ActorRef<Command> to = coordinator;
            final long taken = steps;
            final long received = bytesReceived;
            final ServerEngine counting = engine;
            compute.submit(() ->
            {
                to.tell(new ServerProtocol.ShardStats(shard, NodeInfo.host(), NodeInfo.pid(), taken,
                    counting.updateSeconds(), received, applied.ignored() +
                    setup.plane().staleMessages(MessageKind.GRADIENT), applied.refused(), NodeInfo.cpus(),
                    setup.plane().stats(), counting.traffic().snapshot(), applied.staleness().steps(),
                    applied.staleness().versionLag(), applied.late(), applied.closedEarly()));
                return null;
            });
        }
        return this;
    }

    /**
     * Binds each worker's gradients to the session it sends this shard on and opens the outlets to the workers (and
     * to the coordinator) on the sessions the coordinator handed out, then publishes the first weights.
     */
    private StepLoop.Started startSteps(final ServerProtocol.ShardStart start)
    {
        final String[] endpoints = start.endpoints();
        engine.coordinatorSession(ShardMap.session(start.rangeSession(), shard));
        for (int rank = 0; rank < endpoints.length; rank++)
        {
            final int session = ShardMap.session(start.workerSession(rank), shard);
            if (0 != session)
            {
                setup.plane().bindSender(rank, session);
            }
            final String refused = engine.connect(rank, endpoints[rank],
                ShardMap.session(start.serverSession(rank), shard));
            if (null != refused)
            {
                throw new IllegalStateException("server shard " + shard + ", worker rank " + rank + ": " + refused);
            }
        }
        return loop.start(IntStream.range(0, endpoints.length).toArray());
    }

    private Behavior<Command> onEngineReady(final EngineReady ready)
    {
        engine = ready.engine();
        final ActorRef<Command> me = context.getSelf();
        loop = new StepLoop(setup.withRole(new ShardRole(shard, engine.shardPlan().bounds(),
            engine.identity().incarnation(), null, engine.startStep())), engine, me::tell, compute::execute,
            context.getLog());
        final ServerEngine sending = engine;
        final StepLoop stepping = loop;
        compute.idleWork(() ->
        {
            final int work = sending.progressSends((rank, version, reason) ->
                me.tell(new SendFailed(rank, version, reason)));
            if (work > 0 && sending.sendsInFlight() == 0)
            {
                stepping.sendsDrained();
            }
            return work;
        });
        context.getLog().info("server shard {}: floats [{}, {}) of {}; ready", shard,
            engine.shardPlan().offset(shard), engine.shardPlan().offset(shard) + engine.shardPlan().length(shard),
            engine.shardPlan().floats());
        coordinator.tell(new ServerProtocol.ShardReady(shard));
        return this;
    }

    /** Clipping: this shard's part of a step's global norm goes to the coordinator, which answers with the sum. */
    private Behavior<Command> onRangeNorm(final StepLoop.RangeNorm own)
    {
        coordinator.tell(new ServerProtocol.ShardNorm(shard, own.step(), own.squares()));
        return this;
    }

    /** This shard's part failed: tells the coordinator, which ends the job for everyone. */
    private Behavior<Command> stop(final boolean badInput, final String reason)
    {
        if (null != coordinator)
        {
            coordinator.tell(new ServerProtocol.ShardStopped(shard, badInput, reason));
        }
        if (!badInput)
        {
            context.getLog().error("server shard {} failed: {}", shard, reason);
        }
        return end(false, badInput, reason);
    }

    private Behavior<Command> end(final boolean success, final boolean badInput, final String message)
    {
        if (!ended)
        {
            ended = true;
            context.getLog().info("server shard {}: {}", shard, message);
            observer.onEnded(success, badInput, message);
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onPostStop()
    {
        final ServerEngine closing = engine;
        if (null != closing)
        {
            compute.submit(() ->
            {
                closing.close();
                return null;
            });
        }
        compute.close();
        if (!ended)
        {
            ended = true;
            observer.onEnded(false, false, "server shard " + shard + " stopped before the job ended");
        }
        return this;
    }

    private <T> void pipe(final Callable<T> task, final Function<T, ParameterServer.PrivateCommand> onSuccess,
        final String what)
    {
        context.pipeToSelf(compute.submit(task),
            (value, failure) -> null == failure ? onSuccess.apply(value) : new Failed(what, failure));
    }
}
