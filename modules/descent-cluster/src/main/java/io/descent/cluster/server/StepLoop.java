package io.descent.cluster.server;

import io.descent.cluster.Consistency;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.trace.StepTrace;
import io.descent.train.Metrics;
import io.descent.train.TrainingDivergedException;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The synchronous step cycle, run by the parameter server's compute thread without the actor in the loop: opens a
 * step's barrier and publishes its weights and orders; as each gradient and its report arrive (the data plane calls
 * back on this thread), adds the gradients to the sum in rank order; when every expected rank delivered, applies the
 * update, writes a checkpoint when the {@link CheckpointPolicy} says one is due, publishes the next step, evaluates
 * when the {@link EpochTally} closes an epoch, and only then tells the actor what happened ({@link Applied}). The
 * actor keeps membership: it hands in losses ({@link #drop}), joins ({@link #admit}) and deadline checks
 * ({@link #missing}), all run on this thread.
 *
 * <p>Gradients weigh the examples each rank was ordered; a report claiming others is refused and counted (see
 * {@link StepBarrier}). A step whose mean loss or summed gradient is not finite is never applied, and weights an
 * update left non-finite are never checkpointed or returned: the loop halts with a
 * {@link TrainingDivergedException} instead (bad input: the learning rate is too large for the problem).
 *
 * <p>Under {@code ssp} and {@code async} every call goes to {@link SspLoop}, which applies each gradient on arrival
 * (with shards too: it keeps the same drop and join rules).
 *
 * <p>Shards follow the live ranks as in {@link Roster#shardsOf(BitSet, int, int)}. With parameter-server shards
 * every shard must order the same live ranks at every step: the coordinator's loop drops a lost rank from the first
 * step it has not ordered ({@link #drop} returns it) and closes no step until every other shard has taken the drop
 * in ({@link #acknowledged}); another shard's loop takes it in with {@link #leave}. A joiner likewise: the
 * coordinator's {@link #admit} holds the step collecting until every shard took in {@link #join}. Confined to the
 * compute thread.
 */
final class StepLoop
{
    /**
     * One applied step, for the actor's books.
     *
     * @param step             the step.
     * @param rate             the learning rate used.
     * @param metas            each contributing rank's report, by rank (null for the others).
     * @param examples         examples the step's gradients were computed on.
     * @param loss             their mean loss.
     * @param waitSeconds      from publishing the step to its last gradient.
     * @param bytesReceived    gradient bytes received for the step.
     * @param bytesSent        data-plane bytes published so far.
     * @param ignored          gradients turned away so far (late, or from a dropped worker), once per gradient.
     * @param refused          reports refused so far because their example count was not the one ordered.
     * @param late             gradients dropped so far because their (backup) step had closed without them.
     * @param closedEarly      (backup) steps so far that closed before every expected gradient was in.
     * @param published        false when the step was the job's last.
     * @param failed           ranks the next publication could not reach, with {@code reasons}.
     * @param reasons          why, by position in {@code failed}.
     * @param checkpointMillis creation time of the checkpoint written after the step, or 0.
     * @param epochEnd         the epoch the step ended, or null.
     * @param staleness        the applied gradients' staleness so far.
     */
    record Applied(
        long step, double rate, GradientMeta[] metas, long examples, double loss, double waitSeconds,
        long bytesReceived, long bytesSent, long ignored, long refused, long late, long closedEarly,
        boolean published, List<Integer> failed,
        List<String> reasons, long checkpointMillis, EpochEnd epochEnd, Staleness staleness)
        implements ParameterServer.PrivateCommand
    {
    }

    /**
     * An epoch's totals and evaluation, on the weights after its last step.
     *
     * @param totals     the training side.
     * @param validation validation metrics.
     * @param test       test metrics after the job's last epoch, else null.
     * @param weights    the final weights after the job's last epoch, else null.
     */
    record EpochEnd(EpochTotals totals, Metrics validation, Metrics test, float[] weights)
    {
    }

    /** One worker's order for a step. */
    record Order(int rank, StepOrder order)
    {
        /** @return by rank, the examples each of the step's {@code orders} asks for under {@code plan} (else 0). */
        static long[] rowsByRank(final StepPlan plan, final List<Order> orders)
        {
            final long[] rows = new long[plan.shards()];
            for (final Order order : orders)
            {
                rows[order.rank()] = (long)plan.batchRows(order.order().batch()) * order.order().shards().length;
            }
            return rows;
        }
    }

    /**
     * The loop cannot go on.
     *
     * @param reason why (no live worker delivered a step, or what failed).
     * @param cause  the failure, or null.
     */
    record Halted(String reason, Throwable cause) implements ParameterServer.PrivateCommand
    {
    }

    private final ServerSetup setup;
    private final StepPlan plan;
    private final ServerEngine engine;
    private final Consumer<ParameterServer.PrivateCommand> actor;
    private final Executor onCompute;
    private final Logger log;
    /** The ranks each step orders: live, joining later, leaving later. */
    private final RankOrders rankOrders;
    /** The coordinator of several shards: drops the other shards have not acknowledged; no step closes meanwhile. */
    private int unacknowledged;
    /** The coordinator of several shards: a global norm that came while a drop was unacknowledged, or null. */
    private GlobalNorm deferredNorm;
    private final EpochTally epochs;
    private final CheckpointPolicy checkpoints;
    private final StepClose close;
    private final StalenessTally staleness = new StalenessTally();
    /** The step cycle of {@code ssp} and {@code async}, which every call goes to; null under sync and backup. */
    private final SspLoop free;
    private StepBarrier barrier;
    /** Written on the compute thread, read by the actor: the first step whose orders are not out yet. */
    private volatile long nextOrderStep;
    private boolean foldedAny;
    private long publishedNs;
    private long bytesReceived;
    private long ignored;
    private long refused;
    private double rate;
    /** The coordinator of several shards: a step that ended an epoch, held until the other shards' ranges came. */
    private HeldEpoch held;
    /** The coordinator of several shards: the newest epoch-end version whose ranges all arrived. */
    private long rangesIn = -1;

    /** A follower shard under backup: the ranks the coordinator closed each step on, by step, until it opens it. */
    private final Map<Long, int[]> stepRanks = new HashMap<>();
    /** A follower shard under backup: true once the barrier's step has the coordinator's ranks. */
    private boolean barrierFollows;

    /** A step whose gradient waits for its global norm across the shards before it is clipped and applied. */
    private Clipping clipping;

    /**
     * Gradient-norm clipping with shards: this shard's part of a step's global norm, for the actor to hand to the
     * coordinator ({@link NormExchange}); the step waits for {@link #onGlobalNorm}.
     *
     * @param step    the step.
     * @param squares the squared L2 norm of this shard's range of the step's averaged gradient.
     */
    record RangeNorm(long step, double squares) implements ParameterServer.PrivateCommand
    {
    }

    /**
     * A backup step with server shards: the coordinator closed {@code step} on {@code ranks}; the actor tells every
     * other shard, whose step loop closes the step on exactly these ranks ({@link #onStepRanks}).
     *
     * @param step  the step.
     * @param ranks the ranks whose gradients the step sums, in increasing order.
     */
    record StepRanks(long step, int[] ranks) implements ParameterServer.PrivateCommand
    {
    }

    /** A step's global squared norm, from the coordinator. */
    private record GlobalNorm(long step, double squares)
    {
    }

    /** A closed step waiting for its global norm: what {@link #finish} had found, to go on with. */
    private record Clipping(StepBarrier done, GradientMeta[] metas, double lossSum, long examples, double loss,
        double waitSeconds)
    {
    }

    /** An epoch's last step, applied and published, waiting for the other shards' ranges to be evaluated. */
    private record HeldEpoch(Applied applied, EpochTotals totals)
    {
    }

    /**
     * @param setup  the job and settings.
     * @param engine the server's ND4J state.
     * @param actor     receives {@link Applied} and {@link Halted}.
     * @param onCompute runs a data-plane callback on the compute thread (at once when it is called there).
     * @param log       the server's log.
     */
    StepLoop(
        final ServerSetup setup, final ServerEngine engine, final Consumer<ParameterServer.PrivateCommand> actor,
        final Executor onCompute, final Logger log)
    {
        this.setup = setup;
        this.plan = setup.plan();
        this.engine = engine;
        this.actor = actor;
        this.onCompute = onCompute;
        this.log = log;
        this.rankOrders = new RankOrders(plan);
        this.nextOrderStep = engine.startStep();
        final Checkpoint resumed = engine.resumed();
        this.epochs = null == resumed ? new EpochTally(plan, 0.0, 0) :
            new EpochTally(plan, resumed.epochLossSum(), resumed.epochExamples());
        this.close = new StepClose(setup.settings().consistency(), plan.shards(), !setup.role().coordinates());
        this.checkpoints = new CheckpointPolicy(setup.settings().checkpoints(), plan, engine.identity(),
            setup.job().raw(), log, setup.role().shard(), engine.shardPlan().bounds(), leadSteps(setup));
        final Consistency.Mode mode = setup.settings().consistency().mode();
        this.free = mode == Consistency.Mode.SSP || mode == Consistency.Mode.ASYNC ?
            new SspLoop(setup, engine, actor, onCompute, log, epochs, checkpoints) : null;
    }

    /**
     * @return how many steps a shard can close ahead of the slowest shard: under ssp {@code s + 2} (a shard still
     * waiting for a dropped rank's gradient lags until the drop reaches it, the coordinator opening nothing
     * meanwhile), else 1. Under async the lag of that moment has no bound in steps: it is taken as 1, and the
     * coordinator, the one shard that can lead then, deletes no checkpoint until the drop is acknowledged
     * ({@link CheckpointPolicy#holdOlder}).
     */
    private static int leadSteps(final ServerSetup setup)
    {
        final Consistency consistency = setup.settings().consistency();
        return consistency.mode() == Consistency.Mode.SSP ? consistency.staleness() + 2 : 1;
    }

    /**
     * The first step's weights and orders went out.
     *
     * @param step    the step.
     * @param failed  ranks the publication could not reach, with {@code reasons}.
     * @param reasons why, by position in {@code failed}.
     */
    record Started(long step, List<Integer> failed, List<String> reasons) implements ParameterServer.PrivateCommand
    {
    }

    /** Publishes the first step to the {@code ranks} ready. */
    Started start(final int[] ranks)
    {
        if (null != free)
        {
            return free.start(ranks);
        }
        rankOrders.start(ranks);
        final long now = System.nanoTime();
        epochs.start(now);
        checkpoints.start(now);
        final long step = engine.startStep();
        final List<Integer> failed = new ArrayList<>();
        final List<String> reasons = publish(step, failed);
        return new Started(step, failed, reasons);
    }

    /**
     * A rank was lost: stop sending to it, cancel what the data plane still expects from it (a replacement on the
     * rank will reuse its buffers), stop waiting for it (a delivered gradient stays in the sum) and give its shard
     * away. The coordinator of several shards then closes no step until {@link #acknowledged} says every other shard
     * took the drop in ({@link #leave}), so no worker is ordered the returned step before every shard plans it alike.
     *
     * @return the first step whose orders leave the rank out.
     */
    long drop(final int rank)
    {
        if (null != free)
        {
            return free.drop(rank);
        }
        if (gathers())
        {
            unacknowledged++;
        }
        forget(rank);
        rankOrders.drop(rank);
        if (null != barrier)
        {
            barrier.drop(rank);
            advance();
        }
        return nextOrderStep;
    }

    /**
     * Another shard than the coordinator: the coordinator dropped {@code rank}, whose orders stop at {@code from}
     * ({@link #drop}). Stops sending to it and waiting for it at once; a step before {@code from} keeps it in its
     * orders (so its example weights are the coordinator's) and completes without it, a delivered gradient kept.
     * When this shard already ordered {@code from} (it closed the step before while the coordinator still collected
     * it), that step is planned again without the rank: none of its gradients can have come, since the coordinator
     * publishes {@code from} only once every shard acknowledged the drop.
     */
    void leave(final int rank, final long from)
    {
        if (null != free)
        {
            free.leave(rank, from);
            return;
        }
        forget(rank);
        engine.disconnect(rank);
        final boolean planned = null != barrier && barrier.step() >= from;
        rankOrders.leave(rank, from, planned);
        if (!planned)
        {
            if (null != barrier)
            {
                barrier.drop(rank);
                advance();
            }
            return;
        }
        barrier = rankOrders.plan(barrier.step()).barrier();
        followRanks();
        log.info("planned step {} again without dropped rank {}", barrier.step(), rank);
    }

    /**
     * Another shard than the coordinator: a worker joins in {@code rank}'s place at {@code step}, which the
     * coordinator admitted ({@link #admit}) and does not order before this shard acknowledged.
     *
     * @throws IllegalStateException when this shard already ordered {@code step}: the coordinator's rule was broken.
     */
    void join(final int rank, final long step)
    {
        if (null != free)
        {
            free.join(rank, step);
            return;
        }
        rankOrders.join(rank, step, nextOrderStep);
    }

    /**
     * The coordinator of several shards: every other shard acknowledged a drop ({@link #leave}) or a join
     * ({@link #join}); once none is outstanding, the step collecting may close (and a global norm that came
     * meanwhile is applied).
     */
    void acknowledged()
    {
        if (null != free)
        {
            free.acknowledged();
            return;
        }
        unacknowledged = Math.max(0, unacknowledged - 1);
        if (unacknowledged > 0 || null == barrier)
        {
            return;
        }
        final GlobalNorm norm = deferredNorm;
        deferredNorm = null;
        if (null != norm)
        {
            applyGlobalNorm(norm.step(), norm.squares());
            return;
        }
        advance();
    }

    /** Stops sending to a lost rank and cancels what the data plane still expects from it. */
    private void forget(final int rank)
    {
        engine.abandonSends(rank);
        final int cancelled = engine.cancelGradients(rank);
        if (cancelled > 0)
        {
            log.debug("cancelled {} expected messages from dropped rank {}", cancelled, rank);
        }
        close.drop(rank);
    }

    /**
     * A worker armed for the weights of {@code step} wants to join in its rank's place. When that step's orders are not
     * out yet, the rank is held out until then: the steps before it run without the rank (its shard stays with the
     * live ranks), and from {@code step} on the rank is live with its own shard.
     *
     * @return -1 when it is in from {@code step}, else the first step whose orders are not out yet (it armed too late).
     */
    long admit(final int rank, final long step)
    {
        if (null != free)
        {
            return free.admit(rank, step);
        }
        // The coordinator of several shards: another shard may already have ordered the coordinator's next step (it
        // is at most one ahead), so a joiner starts a step later than that; the step collecting closes only once
        // every shard acknowledged the admission (acknowledged()), so none orders the join step without the rank.
        final long later = rankOrders.admit(rank, step, nextOrderStep, gathers());
        if (later < 0 && gathers())
        {
            unacknowledged++;
        }
        return later;
    }

    /** @return the first step whose orders are not out yet, where a joining worker can start (thread-safe). */
    long nextOrderStep()
    {
        return null != free ? free.nextOrderStep() : nextOrderStep;
    }

    /**
     * Stops the loop for a shutdown (SIGTERM): no step is applied any more, gradients arriving later are ignored.
     * When checkpoints are configured and a step is collecting, first writes the checkpoint of the weights it was
     * published with, every step before it applied (gradients already summed into it are discarded: the workers
     * compute them again after a resume), unless that checkpoint is on disk already. A state that is not finite is
     * never written (it cannot be: a step that made it so halted the loop). Not with parameter-server shards: their
     * collecting steps may differ, and every shard must checkpoint the same steps ({@link CheckpointPolicy}).
     *
     * @return the step of the checkpoint written, or -1 when none was.
     */
    long stop()
    {
        if (null != free)
        {
            return free.stop();
        }
        final StepBarrier collecting = barrier;
        barrier = null;
        if (null == collecting || !checkpoints.enabled() || engine.shardPlan().shards() > 1 ||
            checkpoints.lastWritten() == collecting.step() ||
            (null != engine.resumed() && engine.resumed().step() == collecting.step()) || !engine.stateIsFinite())
        {
            return -1;
        }
        checkpoints.write(collecting.step(), epochs, engine.stateVectors());
        return collecting.step();
    }

    /** @return the ranks that have not delivered {@code step}, when that step is still collecting; else none. */
    int[] missing(final long step)
    {
        if (null != free)
        {
            return free.missing(step);
        }
        return null != barrier && barrier.step() == step ? barrier.missing() : new int[0];
    }

    private List<String> publish(final long step, final List<Integer> failed)
    {
        rankOrders.enter(step);
        final RankOrders.Planned planned = rankOrders.plan(step);
        final int[] ranks = planned.ranks();
        final List<Order> orders = planned.orders();
        barrier = planned.barrier();
        foldedAny = false;
        followRanks();
        StepTrace.mark("s.ordered", step, -1);
        engine.expectGradients(step, ranks, gradientDeadline(),
            (id, complete) -> guarded(() -> onData(id, complete), "receiving a gradient of step " + id.step()),
            (at, rank, meta) -> guarded(() -> onMeta(at, rank, meta), "receiving a gradient report of step " + at));
        nextOrderStep = step + 1;
        if (gathers() && endsEpoch(step + 1))
        {
            final long version = step + 1;
            engine.expectRanges(version, gradientDeadline(), missed -> guarded(() -> onRanges(version, missed),
                "receiving the server shards' ranges of weights version " + version));
        }
        publishedNs = System.nanoTime();
        final List<String> reasons = engine.publish(step, orders, failed);
        StepTrace.mark("s.published", step, -1);
        return reasons;
    }

    private void guarded(final Runnable callback, final String what)
    {
        onCompute.execute(() ->
        {
            try
            {
                callback.run();
            }
            catch (final RuntimeException | Error ex)
            {
                barrier = null;
                actor.accept(new Halted("failed while " + what + ": " + ex, ex));
            }
        });
    }

    private void onData(final MessageId id, final boolean complete)
    {
        if (!complete)
        {
            return;
        }
        if (null == barrier || barrier.step() != id.step() || !barrier.onData(id.senderId()))
        {
            if (null != barrier && close.onLateData(id.step(), id.senderId()))
            {
                advance();
                return;
            }
            ignored++;
            log.debug("ignored gradient of step {} from rank {}", id.step(), id.senderId());
            return;
        }
        bytesReceived += engine.gradientBytes(id.step(), id.senderId());
        advance();
    }

    private void onMeta(final long step, final int rank, final GradientMeta meta)
    {
        if (null == meta)
        {
            return;
        }
        final StepBarrier.Report report = null == barrier || barrier.step() != step ? StepBarrier.Report.IGNORED :
            barrier.onMeta(rank, meta);
        if (report == StepBarrier.Report.IGNORED)
        {
            if (null != barrier && close.onLateMeta(step, rank))
            {
                advance();
                return;
            }
            log.debug("ignored gradient report of step {} from rank {}", step, rank);
            return;
        }
        if (report == StepBarrier.Report.REFUSED)
        {
            refused++;
            log.warn("refused the gradient of step {} from rank {}: it reports {} examples, the server ordered {}; " +
                "the step goes on without it", step, rank, meta.examples(), barrier.orderedRows(rank));
        }
        advance();
    }

    /**
     * Adds what can join the sum, in rank order; when the step may close ({@link StepClose}), adds the rest that came
     * (a backup step skips the ranks it closes without) and finishes it.
     */
    private void advance()
    {
        if (null != clipping)
        {
            // The step closed and waits for its global norm: nothing more joins it.
            return;
        }
        if (close.follows() && !barrierFollows)
        {
            // Nothing is summed before the coordinator names the step's ranks: a rank it leaves out must never be.
            return;
        }
        fold();
        if (null != held || unacknowledged > 0)
        {
            // A held epoch is evaluated on the weights before this step's update: the update waits for it. A drop
            // not yet acknowledged by every shard: the next step's orders must not go out before they plan it alike.
            return;
        }
        final int[] left = close.decide(barrier, rankOrders.live(), engine.sendsInFlight() > 0);
        if (null == left)
        {
            return;
        }
        if (left.length > 0)
        {
            fold();
            log.debug("step {} closed without ranks {}", barrier.step(), Arrays.toString(left));
        }
        final StepBarrier done = barrier;
        final int[] contributors = done.contributors();
        if (contributors.length == 0)
        {
            barrier = null;
            actor.accept(new Halted("step " + done.step() + ": no live worker delivered a gradient", null));
            return;
        }
        if (gathers() && setup.settings().consistency().mode() == Consistency.Mode.BACKUP)
        {
            actor.accept(new StepRanks(done.step(), contributors));
        }
        finish(done, contributors);
    }

    private void fold()
    {
        for (int rank = barrier.nextToFold(); rank >= 0; rank = barrier.nextToFold())
        {
            engine.fold(rank, barrier.plannedWeight(rank), !foldedAny);
            foldedAny = true;
        }
    }

    private void finish(final StepBarrier done, final int[] contributors)
    {
        final long step = done.step();
        final double waitSeconds = (System.nanoTime() - publishedNs) / 1e9;
        final GradientMeta[] metas = new GradientMeta[plan.shards()];
        double lossSum = 0.0;
        long examples = 0;
        for (final int rank : contributors)
        {
            metas[rank] = done.meta(rank);
            lossSum += done.meta(rank).loss() * done.orderedRows(rank);
            examples += done.orderedRows(rank);
        }
        final double loss = lossSum / examples;
        if (!Double.isFinite(loss))
        {
            diverged(step, loss, TrainingDivergedException.Found.LOSS);
            return;
        }
        if (engine.clipsByGlobalNorm())
        {
            clipping = new Clipping(done, metas, lossSum, examples, loss, waitSeconds);
            actor.accept(new RangeNorm(step, engine.rangeSquares(done.correction())));
            return;
        }
        update(done, metas, lossSum, examples, loss, waitSeconds, engine.apply(step, done.correction()));
    }

    /**
     * A follower shard's idle work saw its last send in flight go out: a backup step that leaves a rank out and
     * waited only for that (its weights must not change under a send) closes now. Without this it would wait for an
     * arrival that may never come: the rank left out can be handed the coordinator's next order meanwhile and skip
     * the step whose range it was still being sent here.
     */
    void sendsDrained()
    {
        if (null == free && close.follows() && null != barrier)
        {
            guarded(() ->
            {
                if (null != barrier)
                {
                    advance();
                }
            }, "closing a step once its weights were out");
        }
    }

    /**
     * A follower shard under backup: the coordinator closed {@code step} on {@code ranks} ({@link StepRanks}). Any
     * thread: on the compute thread, the step (now or once this shard opens it) stops expecting every other rank
     * and closes once each of these is in.
     */
    void onStepRanks(final long step, final int[] ranks)
    {
        guarded(() ->
        {
            if (null == barrier || step < barrier.step())
            {
                log.debug("ignored the ranks of step {}: it is not open or to come", step);
                return;
            }
            stepRanks.put(step, ranks.clone());
            if (barrier.step() == step)
            {
                followRanks();
                advance();
            }
        }, "closing step " + step + " on the coordinator's ranks");
    }

    /** A follower under backup: applies the coordinator's ranks of the barrier's step when they came. */
    private void followRanks()
    {
        barrierFollows = false;
        if (!close.follows() || null == barrier)
        {
            return;
        }
        stepRanks.keySet().removeIf(step -> step < barrier.step());
        final int[] ranks = stepRanks.remove(barrier.step());
        if (null == ranks)
        {
            return;
        }
        final int[] left = close.follow(barrier, ranks);
        barrierFollows = true;
        if (left.length > 0)
        {
            log.debug("step {} closes on the coordinator's ranks {}, without {}", barrier.step(),
                Arrays.toString(ranks), Arrays.toString(left));
        }
    }

    /**
     * Gradient-norm clipping with shards: the global squared norm of a step's gradient (every shard's part, summed by
     * the coordinator) came in. Any thread: the step is clipped, applied and published on the compute thread.
     */
    void onGlobalNorm(final long step, final double squares)
    {
        guarded(() ->
        {
            if (unacknowledged > 0)
            {
                deferredNorm = new GlobalNorm(step, squares);
                return;
            }
            applyGlobalNorm(step, squares);
        }, "applying step " + step + " clipped by its global norm");
    }

    private void applyGlobalNorm(final long step, final double squares)
    {
        final Clipping waiting = clipping;
        if (null == waiting || waiting.done().step() != step || barrier != waiting.done())
        {
            log.debug("ignored the global norm of step {}: no step waits for it", step);
            return;
        }
        clipping = null;
        update(waiting.done(), waiting.metas(), waiting.lossSum(), waiting.examples(), waiting.loss(),
            waiting.waitSeconds(), engine.applyClipped(step, squares));
    }

    /** Goes on with a closed step after the update ({@code used}: its learning rate, NaN when not applied). */
    private void update(
        final StepBarrier done, final GradientMeta[] metas, final double lossSum, final long examples,
        final double loss, final double waitSeconds, final double used)
    {
        final long step = done.step();
        if (Double.isNaN(used))
        {
            diverged(step, loss, TrainingDivergedException.Found.GRADIENT);
            return;
        }
        rate = used;
        staleness.recordFresh(done.contributors().length);
        epochs.add(lossSum, examples);
        StepTrace.mark("s.applied", step, -1);
        final long received = bytesReceived;
        bytesReceived = 0;
        final long next = step + 1;
        final boolean more = next < plan.totalSteps();
        final boolean checkpoint = checkpoints.due(next, System.nanoTime());
        // An update can overflow finite gradients into infinite weights: none may be saved or returned.
        if ((checkpoint || !more) && !engine.stateIsFinite())
        {
            diverged(step, loss, TrainingDivergedException.Found.WEIGHTS);
            return;
        }
        final long checkpointMillis = checkpoint ? checkpoints.write(next, epochs, engine.stateVectors()) : 0;
        final EpochTotals totals = epochs.closeIfLast(step, rate, rankOrders.live().cardinality(), System.nanoTime());
        final List<Integer> failed = new ArrayList<>();
        List<String> reasons = List.of();
        if (more)
        {
            reasons = publish(next, failed);
        }
        else
        {
            barrier = null;
        }
        final Applied applied = new Applied(step, rate, metas, examples, loss, waitSeconds, received,
            engine.bytesSent(), ignored, refused, close.late(), close.closedEarly(), more, failed, reasons, checkpointMillis,
            null, staleness.snapshot());
        if (!setup.role().coordinates())
        {
            shardEpochEnd(next);
            actor.accept(applied);
        }
        else if (null == totals)
        {
            actor.accept(applied);
        }
        else if (gathers())
        {
            held = new HeldEpoch(applied, totals);
            releaseEpoch();
        }
        else
        {
            actor.accept(evaluated(applied, totals));
        }
    }

    /** @return {@code applied} with its epoch's evaluation, on the weights of its next version. */
    private Applied evaluated(final Applied applied, final EpochTotals totals)
    {
        // The evaluation overlaps the workers' next step: the weights it reads change only at the next apply.
        final boolean more = applied.published();
        final EpochEnd epochEnd = new EpochEnd(totals, engine.evaluate(setup.data().validation()),
            more ? null : engine.evaluate(setup.data().test()), more ? null : engine.weights());
        return new Applied(applied.step(), applied.rate(), applied.metas(), applied.examples(), applied.loss(),
            applied.waitSeconds(), applied.bytesReceived(), applied.bytesSent(), applied.ignored(), applied.refused(),
            applied.late(), applied.closedEarly(),
            applied.published(), applied.failed(), applied.reasons(), applied.checkpointMillis(), epochEnd,
            applied.staleness());
    }

    /** @return true for the coordinator of several shards: it gathers their ranges at each epoch's end. */
    private boolean gathers()
    {
        return setup.role().coordinates() && engine.shardPlan().shards() > 1;
    }

    /** @return true when weights {@code version} are those after an epoch's last step. */
    private boolean endsEpoch(final long version)
    {
        return version > 0 && version % plan.stepsPerEpoch() == 0;
    }

    /** A follower shard: hands its range of an epoch's last weights to the coordinator, which evaluates them. */
    private void shardEpochEnd(final long version)
    {
        if (!endsEpoch(version))
        {
            return;
        }
        final SendResult sent = engine.sendRange(version);
        if (!sent.isSent())
        {
            barrier = null;
            actor.accept(new Halted("sending weights version " + version + " to the coordinator failed: " + sent,
                null));
        }
    }

    /** The other shards' ranges of {@code version} arrived ({@code missed} null), or did not. */
    private void onRanges(final long version, final String missed)
    {
        if (null != missed)
        {
            barrier = null;
            held = null;
            actor.accept(new Halted(missed + " did not arrive", null));
            return;
        }
        rangesIn = Math.max(rangesIn, version);
        releaseEpoch();
    }

    /** Evaluates the held epoch once its ranges are in, then finishes a step that completed meanwhile. */
    private void releaseEpoch()
    {
        if (null == held || rangesIn < held.applied().step() + 1)
        {
            return;
        }
        final HeldEpoch epoch = held;
        held = null;
        engine.installRanges(epoch.applied().step() + 1);
        actor.accept(evaluated(epoch.applied(), epoch.totals()));
        if (null != barrier)
        {
            advance();
        }
    }

    /**
     * Stops the loop on a step that came out non-finite. Nothing of it is published or checkpointed; a loss or
     * gradient is caught before the update, weights an update overflowed after it (the job ends either way).
     */
    private void diverged(final long step, final double loss, final TrainingDivergedException.Found found)
    {
        barrier = null;
        final TrainingDivergedException problem = new TrainingDivergedException(step, plan.epochOf(step), loss, found,
            setup.job().train().optimizer().learningRate());
        actor.accept(new Halted(problem.getMessage(), problem));
    }

    private long gradientDeadline()
    {
        // The actor's step timer decides; the data-plane deadline only bounds how long a slot stays registered.
        return System.nanoTime() + 2 * setup.settings().stepTimeout().toNanos();
    }
}
