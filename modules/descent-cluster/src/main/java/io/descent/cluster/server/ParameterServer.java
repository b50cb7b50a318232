package io.descent.cluster.server;

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
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.ServerProtocol.Command;
import io.descent.cluster.protocol.ServerProtocol.Finish;
import io.descent.cluster.protocol.ServerProtocol.Leave;
import io.descent.cluster.protocol.ServerProtocol.Ready;
import io.descent.cluster.protocol.ServerProtocol.Register;
import io.descent.cluster.protocol.ServerProtocol.ToWorker;
import io.descent.cluster.protocol.StepOrder;
import io.descent.nn.error.BadInputException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The parameter server of a synchronous data-parallel job, speaking {@link ServerProtocol}. Registers with the
 * Receptionist under {@link ServerProtocol#KEY}; accepts the configured number of workers whose model and job
 * configuration match its own (others are refused with the reason), knowing each by the ref it registered with;
 * then runs steps: publish weights version {@code s} over the data plane, each followed by that worker's
 * {@link StepOrder}, wait for every live worker's gradient of step {@code s} and the {@link GradientMeta} that
 * follows it (both over the data plane: no control message is on a step's path), sum them in rank order weighted by
 * example count, run the optimizer and publish version {@code s + 1}. A worker that terminates, leaves or misses the
 * step deadline is dropped and its shard reassigned; late and duplicate gradients are ignored and counted; a
 * {@link Ready} or {@link Leave} from a ref that did not register is ignored and counted
 * ({@link JobObserver#onIgnoredControl}). Evaluates validation metrics per epoch
 * and test metrics at the end, and checkpoints when configured: always after the job's last step, and, when
 * stopped from outside while training (SIGTERM), the last applied step before it goes. Bad input found while the job runs (a step that
 * diverged, a checkpoint of another job) stops it as bad input: the workers are told so ({@link Finish#badInput()})
 * and the observer gets {@link JobObserver#onBadInput}, with no error logged.
 *
 * <p>All ND4J work runs on the server's own {@link ComputeThread}, which also runs the step cycle itself
 * ({@link StepLoop}): from a step's last gradient to the next step's weights, no message goes through this actor. The
 * actor keeps membership (registration, joins, losses, the step deadline) and the books, from one report per step.
 */
public final class ParameterServer extends AbstractBehavior<Command>
{
    /**
     * The server's own messages, from its timers, its compute thread ({@link StepLoop}) and death watch: never sent
     * by another node (not {@link io.descent.cluster.protocol.ControlMessage}).
     */
    interface PrivateCommand extends Command
    {
    }

    private record EngineReady(ServerEngine engine) implements PrivateCommand
    {
    }

    private record ComputeFailed(String what, Throwable cause) implements PrivateCommand
    {
    }

    private enum Done implements PrivateCommand
    {
        INSTANCE
    }

    record WorkerStopped(ActorRef<ToWorker> worker) implements PrivateCommand
    {
    }

    private record StepDeadline(long step) implements PrivateCommand
    {
    }

    private enum RegistrationDeadline implements PrivateCommand
    {
        INSTANCE
    }

    /** The job is done but not every shard's counters came within {@link #SHARD_STATS_WAIT}. */
    private enum ShardStatsDeadline implements PrivateCommand
    {
        INSTANCE
    }

    private record Missing(long step, int[] ranks) implements PrivateCommand
    {
    }

    /** A send the step loop left in flight failed later, on the compute thread's idle work. */
    private record SendFailed(int rank, long version, String reason) implements PrivateCommand
    {
    }

    private record JoinAnswer(int rank, long joinStep, long next) implements PrivateCommand
    {
    }

    /** With shards: the step loop dropped {@code rank} from the orders of {@code from} on; the shards are told. */
    private record Dropped(int rank, long from) implements PrivateCommand
    {
    }

    private static final Object STEP_TIMER = "step";
    /**
     * How long a server stopped while training waits for its final checkpoint. Below the node's shutdown bounds
     * ({@code descent-node.conf}'s role-stop phase, {@link io.descent.cluster.node.NodeRuntime#close()}).
     */
    static final Duration FINAL_CHECKPOINT_WAIT = Duration.ofSeconds(90);
    /** How long a completed job with shards waits for their counters (sent after their last step) for the report. */
    static final Duration SHARD_STATS_WAIT = Duration.ofSeconds(10);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ServerSetup setup;
    private final JobObserver observer;
    private final ComputeThread compute;
    private final Roster roster;
    private final Ledger ledger;
    private final Membership membership;
    private final ShardCoordinator shards;
    private ServerEngine engine;
    private StepLoop loop;
    private boolean training;
    /** Ready and Leave messages that named no admitted worker. */
    private long ignoredControl;
    /** The actor stopped itself: the job completed, failed or stopped on bad input. */
    private boolean ended;
    /** The job's last epoch, once its last step is applied: the workers are told, the shards' counters awaited. */
    private StepLoop.EpochEnd finishing;

    /**
     * @param setup    the job, data, model, settings and data plane.
     * @param observer told of progress and the outcome.
     * @return the behavior; it stops itself when the job completes or fails.
     */
    public static Behavior<Command> create(final ServerSetup setup, final JobObserver observer)
    {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
            new ParameterServer(context, timers, setup, observer)));
    }

    private ParameterServer(
        final ActorContext<Command> context,
        final TimerScheduler<Command> timers,
        final ServerSetup setup,
        final JobObserver observer)
    {
        super(context);
        this.context = context;
        this.timers = timers;
        this.setup = setup;
        this.observer = observer;
        final ActorRef<Command> self = context.getSelf();
        this.compute = new ComputeThread("descent-ps-compute", setup.plane(),
            (what, cause) -> self.tell(new ComputeFailed(what, cause)));
        this.roster = new Roster(setup.plan().shards());
        this.ledger = new Ledger(setup, context.getLog());
        this.membership = new Membership(context, setup, () -> engine, roster, observer, this::run);
        this.shards = new ShardCoordinator(context, setup.settings().servers());
        timers.startSingleTimer(RegistrationDeadline.INSTANCE, setup.settings().registrationTimeout());
        pipe(() -> new ServerEngine(setup), EngineReady::new, "building the model");
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(EngineReady.class, this::onEngineReady)
            .onMessage(Register.class, this::onRegister)
            .onMessage(Membership.Connected.class, this::onConnected)
            .onMessage(Ready.class, this::onReady)
            .onMessage(StepLoop.Started.class, this::onStarted)
            .onMessage(StepLoop.Applied.class, this::onApplied)
            .onMessage(StepLoop.Halted.class, this::onHalted)
            .onMessage(JoinAnswer.class, this::onJoinAnswer)
            .onMessage(SendFailed.class, this::onSendFailed)
            .onMessage(StepDeadline.class, this::onStepDeadline)
            .onMessage(Missing.class, this::onMissing)
            .onMessage(WorkerStopped.class, this::onWorkerStopped)
            .onMessage(Leave.class, this::onLeave)
            .onMessage(ServerProtocol.RegisterShard.class, this::onRegisterShard)
            .onMessage(ServerProtocol.ShardReady.class, this::onShardReady)
            .onMessage(ServerProtocol.ShardStopped.class, this::onShardStopped)
            .onMessage(ShardCoordinator.ShardTerminated.class, this::onShardTerminated)
            .onMessage(StepLoop.RangeNorm.class, own -> onNorm(0, own.step(), own.squares()))
            .onMessage(StepLoop.StepRanks.class, closed -> onStepRanks(closed))
            .onMessage(ServerProtocol.ShardNorm.class, part -> onNorm(part.shard(), part.step(), part.squares()))
            .onMessage(ServerProtocol.ShardStats.class, this::onShardStats)
            .onMessage(Dropped.class, this::onDropped)
            .onMessage(ServerProtocol.RankDropped.class, this::onRankDropped)
            .onMessage(ServerProtocol.RankAdmitted.class, this::onRankAdmitted)
            .onMessage(ServerProtocol.WorkerUnreachable.class, this::onWorkerUnreachable)
            .onMessageEquals(ShardStatsDeadline.INSTANCE, () -> null == finishing ? this : completeFinish())
            .onMessageEquals(RegistrationDeadline.INSTANCE, this::onRegistrationDeadline)
            .onMessageEquals(Done.INSTANCE, () -> this)
            .onMessage(ComputeFailed.class, this::onComputeFailed)
            .onSignal(PostStop.class, signal -> onPostStop())
            .build();
    }

    private Behavior<Command> onEngineReady(final EngineReady ready)
    {
        engine = ready.engine();
        final ActorRef<Command> self = context.getSelf();
        loop = new StepLoop(setup, engine, self::tell, compute::execute, context.getLog());
        final ServerEngine sending = engine;
        final ServerEngine.LateFailure late = (rank, version, reason) -> self.tell(new SendFailed(rank, version,
            reason));
        compute.idleWork(() -> sending.progressSends(late));
        ledger.start(engine.startStep());
        observer.onGradientTraffic(engine.traffic()::snapshot);
        engine.onPublished(observer::onWeightsPublished);
        if (shards.sharded())
        {
            // Workers are told every shard's endpoint when accepted: the coordinator opens to them once all are in.
            shards.coordinatorEndpoint(setup.plane().endpoint());
            context.getSystem().receptionist().tell(Receptionist.register(ServerProtocol.COORDINATOR_KEY,
                context.getSelf()));
            context.getLog().info("coordinator of {} server shards ({}), waiting for shards 1..{}",
                engine.shardPlan().shards(), engine.shardPlan(), engine.shardPlan().shards() - 1);
            return this;
        }
        context.getSystem().receptionist().tell(Receptionist.register(ServerProtocol.KEY, context.getSelf()));
        context.getLog().info("parameter server ready: model {} ({} parameters), waiting for {} workers; data plane {}",
            engine.identity().architecture(), engine.floats(), roster.size(), setup.plane().endpoint());
        return this;
    }

    private Behavior<Command> onRegister(final Register register)
    {
        membership.register(register, training, nextOrderStep());
        return this;
    }

    private Behavior<Command> onConnected(final Membership.Connected connected)
    {
        membership.connected(connected);
        return this;
    }

    private Behavior<Command> onReady(final Ready ready)
    {
        final int rank = roster.rankOf(ready.worker());
        if (rank < 0)
        {
            return ignore("ready", ready.worker());
        }
        final Roster.Member member = roster.get(rank);
        membership.ready(member);
        if (training)
        {
            if (member.joinStep >= 0 && !member.live && !member.admitted)
            {
                final long joinStep = member.joinStep;
                pipe(() -> new JoinAnswer(rank, joinStep, loop.admit(rank, joinStep)), answer -> answer,
                    "admitting worker " + rank);
            }
            return this;
        }
        member.ready = true;
        if (!roster.allReady())
        {
            return this;
        }
        training = true;
        timers.cancel(RegistrationDeadline.INSTANCE);
        context.getLog().info("all {} workers ready; training from step {} of {}", roster.size(), ledger.step(),
            setup.plan().totalSteps());
        observer.onStarted(roster.size(), ledger.step());
        ledger.startClock();
        final int[] live = roster.liveRanks();
        pipe(() -> loop.start(live), started -> started, "publishing the initial weights");
        if (shards.sharded())
        {
            final String[] endpoints = new String[roster.size()];
            final int[] workerSessions = new int[roster.size()];
            final int[] serverSessions = new int[roster.size()];
            for (final int liveRank : live)
            {
                endpoints[liveRank] = roster.get(liveRank).endpoint;
                workerSessions[liveRank] = roster.get(liveRank).workerSession;
                serverSessions[liveRank] = roster.get(liveRank).serverSession;
            }
            final int rangeSession = setup.settings().dataPlane().authenticates() ?
                membership.reserveSessions(setup.settings().servers()) : 0;
            shards.start(new ServerProtocol.ShardStart(ledger.step(), endpoints, workerSessions, serverSessions,
                rangeSession), setup.plane());
        }
        return this;
    }

    private Behavior<Command> onRegisterShard(final ServerProtocol.RegisterShard register)
    {
        shards.register(register, engine);
        return this;
    }

    private Behavior<Command> onShardReady(final ServerProtocol.ShardReady ready)
    {
        if (!shards.ready(ready.shard()) || !shards.allReady() || training)
        {
            return this;
        }
        membership.shardMap(shards.map(engine));
        context.getSystem().receptionist().tell(Receptionist.register(ServerProtocol.KEY, context.getSelf()));
        context.getLog().info("all {} server shards ready; waiting for {} workers", shards.readyCount(),
            roster.size());
        return this;
    }

    private Behavior<Command> onShardStopped(final ServerProtocol.ShardStopped stopped)
    {
        if (null != finishing)
        {
            return completeFinish();
        }
        final String reason = "server shard " + stopped.shard() + " stopped: " + stopped.reason();
        return stopped.badInput() ? stopOnBadInput(new BadInputException(stopped.reason())) : fail(reason);
    }

    /** A backup step with shards closed: every other shard closes it on the same ranks. */
    private Behavior<Command> onStepRanks(final StepLoop.StepRanks closed)
    {
        shards.closedOn(closed.step(), closed.ranks());
        return this;
    }

    /** Clipping with shards: a shard's part of a step's global norm; the total goes to every shard's step loop. */
    private Behavior<Command> onNorm(final int shard, final long step, final double squares)
    {
        shards.norm(shard, step, squares).ifPresent(total -> loop.onGlobalNorm(step, total));
        return this;
    }

    /**
     * A lost shard is a lost server: while training, the coordinator ends the other shards and itself without ending
     * the job for the workers, which keep their state and wait for the servers as for a restarted one; started again
     * with {@code --resume}, every shard goes on from the newest checkpoint all of them completed.
     */
    private Behavior<Command> onShardTerminated(final ShardCoordinator.ShardTerminated terminated)
    {
        if (null != finishing)
        {
            return completeFinish();
        }
        final String lost = "server shard " + terminated.shard() + " terminated (stopped, left the cluster or was " +
            "downed)";
        if (!training)
        {
            return fail(lost + " before training");
        }
        final String reason = lost + " at step " + ledger.step() + ": the server shards stop and the workers wait " +
            "for them; restart every shard with --resume DIR to go on from the newest complete checkpoint";
        context.getLog().error("{}", reason);
        timers.cancel(STEP_TIMER);
        shards.finish(new Finish(false, reason));
        observer.onFailed(reason);
        ended = true;
        return Behaviors.stopped();
    }

    /** @return the first step whose orders are not out yet: where a joining worker can start. */
    private long nextOrderStep()
    {
        return null == loop ? ledger.step() : loop.nextOrderStep();
    }

    private Behavior<Command> onStarted(final StepLoop.Started started)
    {
        dropFailedSends(started.failed(), started.reasons(), started.step());
        timers.startSingleTimer(STEP_TIMER, new StepDeadline(started.step()), setup.settings().stepTimeout());
        return roster.liveRanks().length == 0 ? fail("no live workers left at step " + started.step()) : this;
    }

    private Behavior<Command> onJoinAnswer(final JoinAnswer answer)
    {
        final Roster.Member member = roster.get(answer.rank());
        if (shards.sharded() && answer.next() < 0 && null != member)
        {
            // The step loop admitted it and holds its step until every other shard did too.
            shards.admitRank(new ServerProtocol.AdmitRank(answer.rank(), answer.joinStep(), member.endpoint,
                member.workerSession, member.serverSession));
        }
        membership.joinerReady(answer.rank(), answer.joinStep(), answer.next());
        return this;
    }

    private Behavior<Command> onApplied(final StepLoop.Applied applied)
    {
        final GradientMeta[] metas = applied.metas();
        for (int rank = 0; rank < metas.length; rank++)
        {
            final Roster.Member member = roster.get(rank);
            if (null != metas[rank] && null != member)
            {
                member.stats = metas[rank].stats(rank, member.host, member.pid);
            }
        }
        final int liveWorkers = roster.liveRanks().length;
        observer.onStep(ledger.onApplied(applied, liveWorkers));
        membership.applied(applied.step(), applied.published());
        if (applied.checkpointMillis() != 0)
        {
            observer.onCheckpoint(applied.step() + 1, applied.checkpointMillis());
        }
        if (null != applied.epochEnd())
        {
            observer.onEpoch(ledger.onEpoch(applied.epochEnd(), roster.stats()));
        }
        if (!applied.published())
        {
            return finish(applied.epochEnd());
        }
        dropFailedSends(applied.failed(), applied.reasons(), applied.step() + 1);
        timers.startSingleTimer(STEP_TIMER, new StepDeadline(applied.step() + 1), setup.settings().stepTimeout());
        return this;
    }

    /**
     * The job's last step is applied: tells the workers, then, with shards, waits (at most {@link #SHARD_STATS_WAIT})
     * for every shard's counters before it ends them and reports.
     */
    private Behavior<Command> finish(final StepLoop.EpochEnd last)
    {
        timers.cancel(STEP_TIMER);
        finishing = last;
        final Finish done = new Finish(true, "job complete");
        for (final Roster.Member member : roster.active())
        {
            member.ref.tell(done);
        }
        if (shards.allStatsIn())
        {
            return completeFinish();
        }
        timers.startSingleTimer(ShardStatsDeadline.INSTANCE, SHARD_STATS_WAIT);
        return this;
    }

    private Behavior<Command> onShardStats(final ServerProtocol.ShardStats stats)
    {
        return shards.stats(stats) && null != finishing && shards.allStatsIn() ? completeFinish() : this;
    }

    private Behavior<Command> completeFinish()
    {
        final StepLoop.EpochEnd last = finishing;
        timers.cancel(ShardStatsDeadline.INSTANCE);
        if (!shards.allStatsIn())
        {
            context.getLog().warn("not every server shard's counters came within {} s of the job's end; the " +
                "report lists the others", SHARD_STATS_WAIT.toSeconds());
        }
        shards.finish(new Finish(true, "job complete"));
        final JobResult result = ledger.result(last.test(), last.weights(), roster.stats(), membership.lostRanks(),
            engine.updateSeconds(), shards.sharded() ? shards.stats() : List.of(), engine.traffic().snapshot());
        context.getLog().info("job complete: {} steps, test {}", result.steps(), last.test().describe());
        observer.onFinished(result);
        ended = true;
        return Behaviors.stopped();
    }

    private Behavior<Command> onStepDeadline(final StepDeadline deadline)
    {
        final long step = deadline.step();
        pipe(() -> new Missing(step, loop.missing(step)), missing -> missing, "checking the deadline of step " + step);
        return this;
    }

    private Behavior<Command> onMissing(final Missing missing)
    {
        for (final int rank : missing.ranks())
        {
            lose(rank, "no gradient for step " + missing.step() + " within descent.cluster.step-timeout = " +
                setup.settings().stepTimeout().toSeconds() + " s");
        }
        return roster.liveRanks().length == 0 ? fail("all workers lost at step " + missing.step()) : this;
    }

    private Behavior<Command> onWorkerStopped(final WorkerStopped stopped)
    {
        final int rank = roster.rankOf(stopped.worker());
        if (rank < 0 || null != finishing)
        {
            return this;
        }
        if (!training)
        {
            membership.leftBeforeStart(rank);
            return this;
        }
        return loseAndContinue(rank, "the worker terminated (stopped, left the cluster or was downed)");
    }

    private Behavior<Command> onLeave(final Leave leave)
    {
        final int rank = roster.rankOf(leave.worker());
        if (rank < 0)
        {
            return ignore("leave", leave.worker());
        }
        if (null != finishing)
        {
            return this;
        }
        return training ? loseAndContinue(rank, "the worker left: " + leave.reason()) : this;
    }

    /**
     * A {@link Ready} or {@link Leave} named a ref that is no admitted worker: forged, or stale (its rank was taken
     * over). Counted; logged at 1, 2, 4, 8, ... so a flood cannot flood the log.
     */
    private Behavior<Command> ignore(final String message, final ActorRef<ToWorker> named)
    {
        ignoredControl++;
        if (Long.bitCount(ignoredControl) == 1)
        {
            context.getLog().warn("ignored a {} naming {}, which is no admitted worker of this job ({} such control " +
                "messages so far)", message, named.path(), ignoredControl);
        }
        observer.onIgnoredControl(message);
        return this;
    }

    private Behavior<Command> loseAndContinue(final int rank, final String reason)
    {
        lose(rank, reason);
        return roster.liveRanks().length == 0 ? fail("all workers lost") : this;
    }

    /**
     * Drops a worker from the job, and from the compute thread's step (also a joiner it may have admitted). With
     * shards the step loop then holds its step open until every other shard took the drop in ({@link #onDropped}).
     */
    private void lose(final int rank, final String reason)
    {
        final Roster.Member member = roster.get(rank);
        final boolean joining = null != member && member.admitted;
        final boolean live = membership.lose(rank, reason, ledger.step());
        if (!shards.sharded())
        {
            run(() -> loop.drop(rank), "dropping worker " + rank);
        }
        else if (live || joining)
        {
            // A joiner the step loops admitted is dropped from them as a live worker is.
            pipe(() -> new Dropped(rank, loop.drop(rank)), dropped -> dropped, "dropping worker " + rank);
        }
    }

    /**
     * With shards: tells the other shards the lost rank and the first step ordered without it, and gives the step
     * collecting a full step deadline again (its workers may have waited for another shard's weights).
     */
    private Behavior<Command> onDropped(final Dropped dropped)
    {
        if (ended)
        {
            return this;
        }
        context.getLog().info("worker rank {} is out of every server shard's orders from step {}", dropped.rank(),
            dropped.from());
        shards.dropRank(dropped.rank(), dropped.from());
        // Sync: the step collecting; ssp/async: the first step not closed (the books' next step), often earlier.
        timers.startSingleTimer(STEP_TIMER, new StepDeadline(Math.min(dropped.from() - 1, ledger.step())),
            setup.settings().stepTimeout());
        return this;
    }

    /** With shards: once every other shard acknowledged a drop, the coordinator's step may close. */
    private Behavior<Command> onRankDropped(final ServerProtocol.RankDropped answer)
    {
        if (shards.acknowledged(false, answer.shard(), answer.rank(), answer.step()))
        {
            run(loop::acknowledged, "closing the step after dropping rank " + answer.rank());
        }
        return this;
    }

    /** With shards: once every other shard acknowledged a join, the coordinator's step may close. */
    private Behavior<Command> onRankAdmitted(final ServerProtocol.RankAdmitted answer)
    {
        if (shards.acknowledged(true, answer.shard(), answer.rank(), answer.step()))
        {
            run(loop::acknowledged, "closing the step after admitting rank " + answer.rank());
        }
        return this;
    }

    /** With shards: another shard could not send a worker its weights; a live worker is lost as on a failed send. */
    private Behavior<Command> onWorkerUnreachable(final ServerProtocol.WorkerUnreachable unreachable)
    {
        final Roster.Member member = roster.get(unreachable.rank());
        if (!training || null != finishing || null == member || !(member.live || member.admitted))
        {
            return this;
        }
        return loseAndContinue(unreachable.rank(), "server shard " + unreachable.shard() + " could not send it " +
            "weights version " + unreachable.version() + ": " + unreachable.reason());
    }

    private Behavior<Command> onSendFailed(final SendFailed failed)
    {
        dropFailedSends(List.of(failed.rank()), List.of(failed.reason()), failed.version());
        return roster.liveRanks().length == 0 ? fail("all workers lost") : this;
    }

    private void dropFailedSends(final List<Integer> failed, final List<String> reasons, final long version)
    {
        for (int i = 0; i < failed.size(); i++)
        {
            lose(failed.get(i), "sending weights version " + version + " failed: " + reasons.get(i));
        }
    }

    private Behavior<Command> onRegistrationDeadline()
    {
        if (training)
        {
            return this;
        }
        if (!shards.allReady())
        {
            return fail("only " + shards.readyCount() + " of " + setup.settings().servers() + " server shards " +
                "registered within descent.cluster.registration-timeout = " +
                setup.settings().registrationTimeout().toSeconds() + " s");
        }
        return fail("only " + roster.liveRanks().length + " of " + roster.size() + " workers registered within " +
            "descent.cluster.registration-timeout = " + setup.settings().registrationTimeout().toSeconds() + " s");
    }

    private Behavior<Command> onHalted(final StepLoop.Halted halted)
    {
        if (null != BadInputException.in(halted.cause()))
        {
            return stopOnBadInput(BadInputException.in(halted.cause()));
        }
        if (null != halted.cause())
        {
            context.getLog().error("parameter server failed: {}", halted.reason(), halted.cause());
        }
        return fail(halted.reason());
    }

    private Behavior<Command> onComputeFailed(final ComputeFailed failed)
    {
        if (null != BadInputException.in(failed.cause()))
        {
            return stopOnBadInput(BadInputException.in(failed.cause()));
        }
        context.getLog().error("parameter server failed at step {} ({}) while {}", ledger.step(),
            training ? "training" : "before training", failed.what(), failed.cause());
        return fail("failed while " + failed.what() + ": " + failed.cause());
    }

    /** Ends the job on the user's input: one line for everyone, the trace only in the debug log. */
    private Behavior<Command> stopOnBadInput(final BadInputException problem)
    {
        context.getLog().info("job stopped: {}", problem.getMessage());
        context.getLog().debug("bad input", problem);
        tellWorkers(new Finish(false, true, problem.getMessage()));
        observer.onBadInput(problem);
        ended = true;
        return Behaviors.stopped();
    }

    private Behavior<Command> fail(final String reason)
    {
        context.getLog().error("job failed: {}", reason);
        tellWorkers(new Finish(false, reason));
        observer.onFailed(reason);
        ended = true;
        return Behaviors.stopped();
    }

    private void tellWorkers(final ToWorker message)
    {
        if (message instanceof Finish finish)
        {
            shards.finish(finish);
        }
        for (final Roster.Member member : roster.active())
        {
            member.ref.tell(message);
        }
    }

    private Behavior<Command> onPostStop()
    {
        final ServerEngine closing = engine;
        if (null != closing)
        {
            if (training && !ended)
            {
                checkpointBeforeExit();
            }
            compute.submit(() ->
            {
                closing.close();
                return null;
            });
        }
        compute.close();
        return this;
    }

    /**
     * Stopped from outside while training (SIGTERM, the node closing): stops the step loop on the compute thread and
     * waits there for the checkpoint of the last applied step, so it is on disk before the process exits. Blocks
     * this actor's last moment, at most {@link #FINAL_CHECKPOINT_WAIT} (the node's shutdown allows for it).
     */
    private void checkpointBeforeExit()
    {
        final StepLoop stopping = loop;
        try
        {
            final long step = compute.submit(stopping::stop).toCompletableFuture()
                .get(FINAL_CHECKPOINT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (step >= 0)
            {
                context.getLog().info("stopped while training: checkpoint of step {} written", step);
            }
        }
        catch (final ExecutionException ex)
        {
            context.getLog().error("stopped while training: the final checkpoint failed", ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            context.getLog().error("stopped while training: the final checkpoint took longer than {} s; the newest " +
                "one on disk is older", FINAL_CHECKPOINT_WAIT.toSeconds());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private <T> void pipe(final Callable<T> task, final Function<T, PrivateCommand> onSuccess, final String what)
    {
        context.pipeToSelf(compute.submit(task),
            (value, failure) -> null == failure ? onSuccess.apply(value) : new ComputeFailed(what, failure));
    }

    private void run(final Runnable task, final String what)
    {
        // Never a null result: once this actor has stopped, a piped null goes to dead letters, where Akka's
        // dead-letter logging fails on it (NullPointerException: "unwrapped" is null).
        pipe(() ->
        {
            task.run();
            return Done.INSTANCE;
        }, done -> done, what);
    }
}
