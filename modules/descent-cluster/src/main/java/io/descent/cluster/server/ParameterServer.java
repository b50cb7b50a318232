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
import akka.actor.typed.receptionist.ServiceKey;
import io.descent.cluster.compute.ComputeThread;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.protocol.ControlMessage;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.worker.Worker;
import io.descent.train.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The parameter server of a synchronous data-parallel job. Registers with the Receptionist under {@link #KEY};
 * accepts the configured number of workers whose model and job configuration match its own (others are refused
 * with the reason); then runs steps: publish weights version {@code s} over the data plane, each followed by that
 * worker's {@link StepOrder}, wait for every live worker's gradient of step {@code s} and the {@link GradientMeta}
 * that follows it (both over the data plane: no control message is on a step's path), sum them in rank order
 * weighted by example count, run the optimizer and publish version {@code s + 1}. A worker that terminates or
 * misses the step deadline is dropped and its shard reassigned; late and duplicate gradients are ignored and
 * counted. Evaluates validation metrics per epoch and test metrics at the end, and checkpoints when configured.
 *
 * <p>All ND4J work runs on the server's own {@link ComputeThread}; the actor only keeps the books.
 */
public final class ParameterServer extends AbstractBehavior<ParameterServer.Command>
{
    /** The Receptionist key workers find the server by. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "descent-parameter-server");

    /** The data-plane sender id of the parameter server (workers use their rank). */
    public static final int SENDER_ID = Integer.MAX_VALUE;

    /** Messages of the parameter server. */
    public interface Command
    {
    }

    /**
     * A worker asks to join the job.
     *
     * @param worker   the worker, for replies ({@link Worker.Accepted} or {@link Worker.Refused}).
     * @param endpoint the worker's data-plane endpoint (weights go there).
     * @param identity its model fingerprint and job configuration digest.
     * @param host     its host name.
     * @param pid      its process id.
     * @param rank     the rank it asks for, or -1 for the lowest free one.
     * @param proof    its cluster-key proof over all of the above ({@link io.descent.cluster.protocol.ClusterKey}),
     *                 empty when it has no key.
     */
    public record Register(
        ActorRef<Worker.Command> worker, String endpoint, JobIdentity identity, String host, long pid, int rank,
        String proof)
        implements Command, ControlMessage
    {
    }

    /**
     * A worker has armed its data plane for the first weights.
     *
     * @param rank its rank.
     */
    public record Ready(int rank) implements Command, ControlMessage
    {
    }

    /**
     * A worker leaves the job (it cannot continue).
     *
     * @param rank   its rank.
     * @param reason why, for the log.
     */
    public record Leave(int rank, String reason) implements Command, ControlMessage
    {
    }

    private record EngineReady(ServerEngine engine) implements Command
    {
    }

    private record ComputeFailed(String what, Throwable cause) implements Command
    {
    }

    private enum Done implements Command
    {
        INSTANCE
    }

    private record DataArrived(long step, int rank, boolean complete) implements Command
    {
    }

    private record MetaArrived(long step, int rank, GradientMeta meta) implements Command
    {
    }

    record WorkerStopped(ActorRef<Worker.Command> worker) implements Command
    {
    }

    private record StepDeadline(long step) implements Command
    {
    }

    private enum RegistrationDeadline implements Command
    {
        INSTANCE
    }

    private record Published(long version, List<Ledger.Order> orders, List<Integer> failed, List<String> reasons)
        implements Command
    {
    }

    private record Evaluated(EpochTotals totals, Metrics validation, Metrics test, float[] weights)
        implements Command
    {
    }

    private static final Object STEP_TIMER = "step";

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ServerSetup setup;
    private final JobObserver observer;
    private final ComputeThread compute;
    private final Roster roster;
    private final Ledger ledger;
    private final Membership membership;
    private final StepCycle cycle = new StepCycle();
    private ServerEngine engine;
    private boolean training;

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
        this.compute = new ComputeThread("descent-ps-compute", setup.plane());
        this.roster = new Roster(setup.plan().shards());
        this.ledger = new Ledger(setup, context.getLog());
        this.membership = new Membership(context, setup, () -> engine, roster, observer, this::run);
        timers.startSingleTimer(RegistrationDeadline.INSTANCE, setup.settings().registrationTimeout());
        pipe(() -> new ServerEngine(setup), EngineReady::new, "building the model");
    }

    @Override
    public Receive<Command> createReceive()
    {
        return newReceiveBuilder()
            .onMessage(EngineReady.class, this::onEngineReady)
            .onMessage(Register.class, this::onRegister)
            .onMessage(Ready.class, this::onReady)
            .onMessage(MetaArrived.class, this::onMetaArrived)
            .onMessage(DataArrived.class, this::onDataArrived)
            .onMessage(Published.class, this::onPublished)
            .onMessage(Ledger.Applied.class, this::onApplied)
            .onMessage(Evaluated.class, this::onEvaluated)
            .onMessage(StepDeadline.class, this::onStepDeadline)
            .onMessage(WorkerStopped.class, this::onWorkerStopped)
            .onMessage(Leave.class, this::onLeave)
            .onMessageEquals(RegistrationDeadline.INSTANCE, this::onRegistrationDeadline)
            .onMessageEquals(Done.INSTANCE, () -> this)
            .onMessage(ComputeFailed.class, this::onComputeFailed)
            .onSignal(PostStop.class, signal -> onPostStop())
            .build();
    }

    private Behavior<Command> onEngineReady(final EngineReady ready)
    {
        engine = ready.engine();
        ledger.start(engine.startStep(), engine.resumed());
        context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
        context.getLog().info("parameter server ready: model {} ({} parameters), waiting for {} workers; data plane {}",
            engine.identity().architecture(), engine.floats(), roster.size(), setup.plane().endpoint());
        return this;
    }

    private Behavior<Command> onRegister(final Register register)
    {
        membership.register(register, training, cycle.nextOrderStep(ledger.step()));
        return this;
    }

    private Behavior<Command> onReady(final Ready ready)
    {
        final Roster.Member member = roster.get(ready.rank());
        if (null == member)
        {
            return this;
        }
        if (training)
        {
            membership.joinerReady(ready.rank(), cycle.nextOrderStep(ledger.step()));
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
        final long step = ledger.step();
        final int[] live = roster.liveRanks();
        final List<Ledger.Order> orders = ordersFor(step);
        final DataPlane.Arrival arrival = arrival();
        final ServerEngine.MetaArrival metas = metaArrival();
        cycle.publishing(step);
        pipe(() ->
        {
            engine.expectGradients(step, live, gradientDeadline(), arrival, metas);
            final List<Integer> failed = new ArrayList<>();
            final List<String> reasons = engine.publish(step, orders, failed);
            return new Published(step, orders, failed, reasons);
        }, published -> published, "publishing the initial weights");
        return this;
    }

    private Behavior<Command> onPublished(final Published published)
    {
        dropFailedSends(published.failed(), published.reasons(), published.version());
        return beginStep(published.version(), published.orders());
    }

    /** @return each live worker's order for {@code step}: its shards, with lost workers' shards reassigned. */
    private List<Ledger.Order> ordersFor(final long step)
    {
        final int epoch = setup.plan().epochOf(step);
        final int batch = setup.plan().batchOf(step);
        final List<Ledger.Order> orders = new ArrayList<>();
        for (final int rank : roster.liveRanks())
        {
            orders.add(new Ledger.Order(rank, new StepOrder(step, epoch, batch, roster.shardsOf(rank))));
        }
        return orders;
    }

    /**
     * Opens the barrier of {@code step}, whose {@code orders} went out (the workers still live are waited for), and
     * replays what arrived early for it.
     */
    private Behavior<Command> beginStep(final long step, final List<Ledger.Order> orders)
    {
        final int[] live = orders.stream().mapToInt(Ledger.Order::rank).filter(rank -> roster.get(rank).live)
            .toArray();
        if (live.length == 0)
        {
            return fail("no live workers left at step " + step);
        }
        final List<Command> replay = cycle.open(
            new StepBarrier(step, live, roster.size(), Ledger.Order.examples(setup.plan(), orders)));
        ledger.onStepStart(step);
        timers.startSingleTimer(STEP_TIMER, new StepDeadline(step), setup.settings().stepTimeout());
        Behavior<Command> next = this;
        for (final Command message : replay)
        {
            next = message instanceof MetaArrived meta ? onMetaArrived(meta) : onCompleteData((DataArrived)message);
        }
        return next;
    }

    private Behavior<Command> onMetaArrived(final MetaArrived arrived)
    {
        if (null == arrived.meta())
        {
            return this;
        }
        final Roster.Member member = roster.get(arrived.rank());
        if (null != member)
        {
            member.stats = arrived.meta().stats(arrived.rank(), member.host, member.pid);
        }
        if (cycle.holdEarly(arrived.step(), arrived))
        {
            return this;
        }
        final StepBarrier barrier = cycle.collecting(arrived.step());
        if (null == barrier || null == member || !member.live ||
            !barrier.onMeta(arrived.rank(), arrived.meta().examples(), arrived.meta().loss()))
        {
            ledger.ignoreGradient();
            context.getLog().debug("ignored gradient of step {} from rank {}", arrived.step(), arrived.rank());
            return this;
        }
        return maybeApply();
    }

    private Behavior<Command> onDataArrived(final DataArrived arrived)
    {
        if (!arrived.complete())
        {
            return this;
        }
        ledger.onBytes((long)engine.floats() * Float.BYTES);
        return onCompleteData(arrived);
    }

    private Behavior<Command> onCompleteData(final DataArrived arrived)
    {
        if (cycle.holdEarly(arrived.step(), arrived))
        {
            return this;
        }
        final StepBarrier barrier = cycle.collecting(arrived.step());
        if (null == barrier || !barrier.onData(arrived.rank()))
        {
            context.getLog().debug("ignored gradient buffer of step {} from rank {}", arrived.step(), arrived.rank());
            return this;
        }
        return maybeApply();
    }

    private Behavior<Command> maybeApply()
    {
        final StepBarrier barrier = cycle.collecting();
        if (null == barrier)
        {
            return this;
        }
        foldDelivered(barrier);
        if (!barrier.isComplete())
        {
            return this;
        }
        final int[] contributors = barrier.contributors();
        if (contributors.length == 0)
        {
            return fail("step " + barrier.step() + ": no live worker delivered a gradient");
        }
        cycle.applying();
        timers.cancel(STEP_TIMER);
        final Ledger.StepWork work = ledger.onApply(barrier, contributors, roster.liveRanks(),
            ordersFor(barrier.step() + 1));
        final DataPlane.Arrival arrival = arrival();
        final ServerEngine.MetaArrival metas = metaArrival();
        pipe(() -> ledger.runStep(engine, work, gradientDeadline(), arrival, metas), applied -> applied,
            "applying step " + work.step());
        return this;
    }

    /** Hands the compute thread every gradient that can join the sum now, in rank order. */
    private void foldDelivered(final StepBarrier barrier)
    {
        for (int rank = barrier.nextToFold(); rank >= 0; rank = barrier.nextToFold())
        {
            final int next = rank;
            final double weight = barrier.plannedWeight(rank);
            final boolean first = cycle.foldFirst();
            run(() -> engine.fold(next, weight, first), "summing the gradient of rank " + rank + " at step " +
                barrier.step());
        }
    }

    private Behavior<Command> onApplied(final Ledger.Applied applied)
    {
        observer.onStep(ledger.stepReport(applied, roster.liveRanks().length));
        if (applied.checkpointMillis() != 0)
        {
            observer.onCheckpoint(applied.step() + 1, applied.checkpointMillis());
        }
        final EpochTotals totals = ledger.onApplied(applied, roster.liveRanks().length);
        if (null != totals)
        {
            final boolean last = !applied.published();
            pipe(() -> new Evaluated(totals, engine.evaluate(setup.data().validation()),
                last ? engine.evaluate(setup.data().test()) : null, last ? engine.weights() : null),
                evaluated -> evaluated, "evaluating epoch " + totals.epoch());
        }
        if (!applied.published())
        {
            cycle.finish();
            return this;
        }
        dropFailedSends(applied.failed(), applied.reasons(), applied.step() + 1);
        return beginStep(applied.step() + 1, applied.ordered());
    }

    private Behavior<Command> onEvaluated(final Evaluated evaluated)
    {
        final EpochReport report = ledger.onEpochEvaluated(evaluated.totals(), evaluated.validation());
        observer.onEpoch(report);
        if (null == evaluated.test())
        {
            return this;
        }
        tellWorkers(new Worker.Finish(true, "job complete"));
        final JobResult result = ledger.result(evaluated.test(), evaluated.weights(), roster.stats(),
            membership.lostRanks(), engine.updateSeconds());
        context.getLog().info("job complete: {} steps, test {}", result.steps(), evaluated.test().describe());
        observer.onFinished(result);
        return Behaviors.stopped();
    }

    private Behavior<Command> onStepDeadline(final StepDeadline deadline)
    {
        final StepBarrier barrier = cycle.collecting(deadline.step());
        if (null == barrier)
        {
            return this;
        }
        for (final int rank : barrier.missing())
        {
            lose(rank, "no gradient for step " + deadline.step() + " within descent.cluster.step-timeout = " +
                setup.settings().stepTimeout().toSeconds() + " s");
        }
        return roster.liveRanks().length == 0 ? fail("all workers lost at step " + deadline.step()) : maybeApply();
    }

    private Behavior<Command> onWorkerStopped(final WorkerStopped stopped)
    {
        final int rank = roster.rankOf(stopped.worker());
        if (rank < 0)
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
        return training ? loseAndContinue(leave.rank(), "the worker left: " + leave.reason()) : this;
    }

    private Behavior<Command> loseAndContinue(final int rank, final String reason)
    {
        lose(rank, reason);
        return roster.liveRanks().length == 0 ? fail("all workers lost") : maybeApply();
    }

    private void lose(final int rank, final String reason)
    {
        final StepBarrier barrier = cycle.collecting();
        if (membership.lose(rank, reason, ledger.step()) && null != barrier)
        {
            barrier.drop(rank);
        }
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
        return fail("only " + roster.liveRanks().length + " of " + roster.size() + " workers registered within " +
            "descent.cluster.registration-timeout = " + setup.settings().registrationTimeout().toSeconds() + " s");
    }

    private Behavior<Command> onComputeFailed(final ComputeFailed failed)
    {
        context.getLog().error("parameter server failed while {}", failed.what(), failed.cause());
        return fail("failed while " + failed.what() + ": " + failed.cause());
    }

    private Behavior<Command> fail(final String reason)
    {
        context.getLog().error("job failed: {}", reason);
        tellWorkers(new Worker.Finish(false, reason));
        observer.onFailed(reason);
        return Behaviors.stopped();
    }

    private void tellWorkers(final Worker.Command message)
    {
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
            compute.submit(() ->
            {
                closing.close();
                return null;
            });
        }
        compute.close();
        return this;
    }

    private DataPlane.Arrival arrival()
    {
        final ActorRef<Command> self = context.getSelf();
        return (id, complete) -> self.tell(new DataArrived(id.step(), id.senderId(), complete));
    }

    private ServerEngine.MetaArrival metaArrival()
    {
        final ActorRef<Command> self = context.getSelf();
        return (step, rank, meta) -> self.tell(new MetaArrived(step, rank, meta));
    }

    private long gradientDeadline()
    {
        // The actor's step timer decides; the data-plane deadline only bounds how long a slot stays registered.
        return System.nanoTime() + 2 * setup.settings().stepTimeout().toNanos();
    }

    private <T> void pipe(final Callable<T> task, final Function<T, Command> onSuccess, final String what)
    {
        context.pipeToSelf(compute.submit(task),
            (value, failure) -> null == failure ? onSuccess.apply(value) : new ComputeFailed(what, failure));
    }

    private void run(final Runnable task, final String what)
    {
        pipe(() ->
        {
            task.run();
            return null;
        }, ignored -> Done.INSTANCE, what);
    }
}
