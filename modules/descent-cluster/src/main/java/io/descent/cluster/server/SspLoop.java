package io.descent.cluster.server;

import io.descent.cluster.Consistency;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.trace.StepTrace;
import io.descent.train.TrainingDivergedException;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.slf4j.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The step cycle of {@code ssp} and {@code async}, run by the parameter server's compute thread in place of the
 * synchronous one ({@link StepLoop} delegates to it). Each worker runs its own steps: the server applies each gradient
 * as it arrives, scaled by its rank's share of the step's examples (as its part of the averaged update would be), and
 * sends the new weights with that worker's next order back to it alone, unless the {@link SspBound} holds it back
 * (then it is sent when the slowest live worker's step closes). The server's version advances with every applied
 * gradient. A step <em>closes</em> once every live rank's gradient of it is applied (or the rank was lost or refused):
 * only then does the actor hear of it ({@link StepLoop.Applied}, in step order), the epoch's totals count it, a
 * checkpoint may be written and, at an epoch's last step, the validation split is evaluated on the weights of that
 * moment (which already hold the gradients of workers that ran ahead). Each applied gradient's staleness is counted
 * ({@link Staleness}).
 *
 * <p>Pipelined ({@link io.descent.cluster.Consistency#window} 2, one server) each rank has up to two steps ordered:
 * when its gradient of t is applied it is ordered t + 2 (it computes t + 1 meanwhile, on the weights sent when its
 * gradient of t − 1 was applied). Every order is still gated by the bound, so every weights copy sent with the order of
 * step k holds every step up to k − s − 1; a rank the bound holds back is ordered nothing more until released.
 *
 * <p>A step's shards are fixed when its first worker is ordered it (by the live ranks then): a rank lost later leaves
 * its part of the open steps out; the steps opened after the loss give its shard to the others.
 *
 * <p>With parameter-server shards every shard runs this loop on its range: it applies its range of each gradient on
 * arrival and sends its range of the weights back to the pusher, and holds its own range back under the bound, so a
 * worker (which needs every range of a step, and the coordinator's order) computes step t only once every shard
 * closed t − s − 1. Shards order the same ranks at every step as under sync: the coordinator drops a lost rank from
 * the first step it has not opened ({@link #drop}) and opens no step until every other shard took the drop in
 * ({@link #acknowledged}; another shard: {@link #leave}), a joiner likewise ({@link #admit}, {@link #join}). Another
 * shard sends its range at each epoch's end to the coordinator, which evaluates the ranges put together. Confined to
 * the compute thread.
 */
final class SspLoop
{
    /** A step some worker was ordered and whose gradients are not all applied. */
    private static final class OpenStep
    {
        final StepBarrier barrier;
        final StepLoop.Order[] orders;
        final long openedNs;
        long bytesReceived;

        OpenStep(final StepBarrier barrier, final StepLoop.Order[] orders, final long openedNs)
        {
            this.barrier = barrier;
            this.orders = orders;
            this.openedNs = openedNs;
        }
    }

    private final ServerSetup setup;
    private final StepPlan plan;
    private final ServerEngine engine;
    private final Consumer<ParameterServer.PrivateCommand> actor;
    private final Executor onCompute;
    private final Logger log;
    private final EpochTally epochs;
    private final CheckpointPolicy checkpoints;
    private final SspBound bound;
    private final StalenessTally staleness = new StalenessTally();
    /** The ranks each step orders: live, joining later, leaving later (another shard). */
    private final RankOrders rankOrders;
    /** The coordinator of several shards: by rank, a step it may start once no drop or join is unacknowledged. */
    private final long[] gated;
    /** The coordinator of several shards: drops and joins the other shards have not acknowledged; no step opens. */
    private int unacknowledged;
    /** The coordinator of several shards: an epoch's last step, closed, until the other shards' ranges came. */
    private HeldEpoch heldEpoch;
    /** The coordinator of several shards: the newest epoch-end version whose ranges all arrived. */
    private long rangesIn = -1;
    /** Steps ordered per rank at once: 1, or 2 when pipelined. */
    private final int window;
    /** By rank: the last step it was ordered, and the last step it delivered (or was refused), else -1. */
    private final long[] orderedUpTo;
    private final long[] deliveredUpTo;
    /** By step parity (pipelined; else 0) and rank: the first open step, and the version, when its weights went out. */
    private final long[][] readClock;
    private final long[][] readVersion;
    private final ArrayDeque<OpenStep> open = new ArrayDeque<>();
    private final List<Integer> failed = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    /** Written on the compute thread, read by the actor: the first step no worker was ordered yet. */
    private volatile long nextOrderStep;
    private long version;
    private long ignored;
    private long refused;
    private double rate;
    private boolean halted;

    /** A closed epoch's last step, booked, whose evaluation waits for the other shards' ranges. */
    private record HeldEpoch(StepLoop.Applied applied, EpochTotals totals)
    {
    }

    /**
     * @param setup       the job and settings ({@code ssp} or {@code async}).
     * @param engine      the server's ND4J state.
     * @param actor       receives {@link StepLoop.Applied} and {@link StepLoop.Halted}.
     * @param onCompute   runs a data-plane callback on the compute thread.
     * @param log         the server's log.
     * @param epochs      the epoch tally.
     * @param checkpoints when checkpoints are due.
     */
    SspLoop(
        final ServerSetup setup, final ServerEngine engine, final Consumer<ParameterServer.PrivateCommand> actor,
        final Executor onCompute, final Logger log, final EpochTally epochs, final CheckpointPolicy checkpoints)
    {
        this.setup = setup;
        this.plan = setup.plan();
        this.engine = engine;
        this.actor = actor;
        this.onCompute = onCompute;
        this.log = log;
        this.epochs = epochs;
        this.checkpoints = checkpoints;
        final Consistency consistency = setup.settings().consistency();
        this.bound = new SspBound(consistency.mode() == Consistency.Mode.SSP ? consistency.staleness() :
            SspBound.UNBOUNDED, engine.startStep(), plan.shards());
        this.rankOrders = new RankOrders(plan);
        this.gated = new long[plan.shards()];
        Arrays.fill(gated, -1);
        this.window = consistency.window(engine.shardPlan().shards());
        this.orderedUpTo = new long[plan.shards()];
        this.deliveredUpTo = new long[plan.shards()];
        Arrays.fill(orderedUpTo, -1);
        Arrays.fill(deliveredUpTo, -1);
        this.readClock = new long[window][plan.shards()];
        this.readVersion = new long[window][plan.shards()];
        this.nextOrderStep = engine.startStep();
    }

    /** As {@link StepLoop#start}. */
    StepLoop.Started start(final int[] ranks)
    {
        rankOrders.start(ranks);
        final long now = System.nanoTime();
        epochs.start(now);
        checkpoints.start(now);
        final long step = engine.startStep();
        expectEpochRanges(step);
        for (final int rank : ranks)
        {
            order(rank, step);
        }
        for (final int rank : ranks)
        {
            fill(rank);
        }
        return new StepLoop.Started(step, takeFailed(), takeReasons());
    }

    /**
     * As {@link StepLoop#drop}: the rank's undelivered gradients of the open steps are no longer awaited. The
     * coordinator of several shards then opens no step until every other shard took the drop in ({@link #leave},
     * {@link #acknowledged}).
     *
     * @return the first step whose orders leave the rank out (the first step not opened).
     */
    long drop(final int rank)
    {
        if (gathers())
        {
            unacknowledged++;
            // Another shard may now lag by any number of steps until it takes the drop in: delete no checkpoint.
            checkpoints.holdOlder(true);
        }
        forget(rank);
        rankOrders.drop(rank);
        for (final OpenStep step : open)
        {
            step.barrier.drop(rank);
        }
        closeReady();
        return nextOrderStep;
    }

    /**
     * As {@link StepLoop#leave}, for another shard than the coordinator: {@code rank} leaves the orders from
     * {@code from} (the coordinator's first step not opened). Open steps before it complete without the rank, kept in
     * their orders; a step from {@code from} on that this shard opened already (it is at most one step ahead of the
     * coordinator) is planned again without it: none of its gradients can exist, since the coordinator opens
     * {@code from} only once every shard acknowledged the drop.
     */
    void leave(final int rank, final long from)
    {
        forget(rank);
        engine.disconnect(rank);
        rankOrders.leave(rank, from, nextOrderStep > from);
        final List<OpenStep> kept = new ArrayList<>();
        for (final OpenStep step : open)
        {
            if (step.barrier.step() < from)
            {
                step.barrier.drop(rank);
                kept.add(step);
            }
            else
            {
                kept.add(planned(step.barrier.step(), step.openedNs));
                log.info("planned step {} again without dropped rank {}", step.barrier.step(), rank);
            }
        }
        open.clear();
        open.addAll(kept);
        closeReady();
    }

    /** Stops sending to a lost rank and waiting for it, and cancels what the data plane still expects from it. */
    private void forget(final int rank)
    {
        engine.abandonSends(rank);
        final int cancelled = engine.cancelGradients(rank);
        if (cancelled > 0)
        {
            log.debug("cancelled {} expected messages from dropped rank {}", cancelled, rank);
        }
        bound.forget(rank);
        gated[rank] = -1;
        orderedUpTo[rank] = -1;
        deliveredUpTo[rank] = -1;
    }

    /**
     * As {@link StepLoop#admit}: the rank is ordered {@code step} when that step opens. The coordinator of several
     * shards admits it no earlier than one step after its first step not opened (another shard may have opened
     * that one) and opens no step until every other shard took the join in ({@link #join}, {@link #acknowledged}).
     */
    long admit(final int rank, final long step)
    {
        final long later = rankOrders.admit(rank, step, nextOrderStep, gathers());
        if (later < 0 && gathers())
        {
            unacknowledged++;
        }
        return later;
    }

    /**
     * As {@link StepLoop#join}, for another shard than the coordinator: a worker joins in {@code rank}'s place at
     * {@code step}, which the coordinator opens only once this shard acknowledged.
     *
     * @throws IllegalStateException when this shard already opened {@code step}: the coordinator's rule was broken.
     */
    void join(final int rank, final long step)
    {
        rankOrders.join(rank, step, nextOrderStep);
    }

    /**
     * As {@link StepLoop#acknowledged}: once no drop or join is outstanding, the ranks waiting to start a step not
     * opened yet are ordered it.
     */
    void acknowledged()
    {
        unacknowledged = Math.max(0, unacknowledged - 1);
        if (unacknowledged > 0 || halted)
        {
            return;
        }
        checkpoints.holdOlder(false);
        for (int rank = 0; rank < gated.length; rank++)
        {
            final long step = gated[rank];
            gated[rank] = -1;
            if (step >= 0 && ordered(rank))
            {
                order(rank, step);
                fill(rank);
            }
        }
    }

    /** @return true when {@code rank} is ordered new steps: live, and not leaving at a later step. */
    private boolean ordered(final int rank)
    {
        return rankOrders.ordered(rank);
    }

    /** @return true for the coordinator of several shards. */
    private boolean gathers()
    {
        return setup.role().coordinates() && engine.shardPlan().shards() > 1;
    }

    /** @return true when weights {@code version} are those after an epoch's last step. */
    private boolean endsEpoch(final long version)
    {
        return version > 0 && version % plan.stepsPerEpoch() == 0;
    }

    /** @return the first step no worker was ordered yet (thread-safe). */
    long nextOrderStep()
    {
        return nextOrderStep;
    }

    /** @return the ranks that have not delivered {@code step}, when it is the first open step; else none. */
    int[] missing(final long step)
    {
        final OpenStep first = open.peekFirst();
        return null != first && first.barrier.step() == step ? first.barrier.missing() : new int[0];
    }

    /**
     * As {@link StepLoop#stop}: checkpoints the weights as of the first open step, when configured. Those weights
     * already hold the gradients of the workers that ran ahead of it, which a resumed job computes and applies again.
     * Not with parameter-server shards: their first open steps may differ, and every shard must write the same step.
     */
    long stop()
    {
        final OpenStep first = open.peekFirst();
        halted = true;
        open.clear();
        if (null == first || !checkpoints.enabled() || engine.shardPlan().shards() > 1 ||
            checkpoints.lastWritten() == first.barrier.step() ||
            (null != engine.resumed() && engine.resumed().step() == first.barrier.step()) || !engine.stateIsFinite())
        {
            return -1;
        }
        checkpoints.write(first.barrier.step(), epochs, engine.stateVectors());
        return first.barrier.step();
    }

    /**
     * Sends {@code rank} the weights as they are now with its order for {@code step}, opening the step if new (or, while
     * a drop or join is in flight with shards, notes it as gated). Orders nothing more after it: see {@link #fill}.
     */
    private void order(final int rank, final long step)
    {
        if (step >= nextOrderStep && unacknowledged > 0)
        {
            // No shard may open a step before every shard plans it alike (a drop or join is in flight).
            gated[rank] = step;
            return;
        }
        final OpenStep target = step < nextOrderStep ? find(step) : openStep(step);
        final StepLoop.Order order = null == target ? null : target.orders[rank];
        if (null == order)
        {
            // Not live when the step opened (it joins at a later step): nothing to order.
            return;
        }
        engine.expectGradients(step, new int[]{rank}, gradientDeadline(),
            (id, complete) -> guarded(() -> onData(id, complete), "receiving a gradient of step " + id.step()),
            (at, from, meta) -> guarded(() -> onMeta(at, from, meta), "receiving a gradient report of step " + at));
        if (orderedUpTo[rank] < step - 1)
        {
            // Its first order since it started or joined: it delivered nothing before this step.
            deliveredUpTo[rank] = step - 1;
        }
        orderedUpTo[rank] = Math.max(orderedUpTo[rank], step);
        readClock[parity(step)][rank] = bound.firstOpen();
        readVersion[parity(step)][rank] = version;
        final List<String> why = engine.publishCopies(step, List.of(order), failed);
        reasons.addAll(why);
        StepTrace.mark("s.published", step, rank);
    }

    /**
     * Opens every step up to {@code step} (normally just it): fixes its orders for the ranks live then (joiners
     * included, each ordered at once) and its barrier.
     */
    private OpenStep openStep(final long step)
    {
        OpenStep last = null;
        for (long next = nextOrderStep; next <= step; next++)
        {
            final List<Integer> joined = rankOrders.enter(next);
            last = planned(next, System.nanoTime());
            open.addLast(last);
            nextOrderStep = next + 1;
            StepTrace.mark("s.ordered", next, -1);
            for (final int rank : joined)
            {
                order(rank, next);
            }
        }
        return last;
    }

    /**
     * @return {@code step} planned for the live ranks: each one's order, and a barrier expecting all but those leaving
     * at a later step (kept in the orders so that every rank's example weight is the coordinator's).
     */
    private OpenStep planned(final long step, final long openedNs)
    {
        final RankOrders.Planned planned = rankOrders.plan(step);
        final StepLoop.Order[] byRank = new StepLoop.Order[plan.shards()];
        for (final StepLoop.Order order : planned.orders())
        {
            byRank[order.rank()] = order;
        }
        return new OpenStep(planned.barrier(), byRank, openedNs);
    }

    private OpenStep find(final long step)
    {
        for (final OpenStep candidate : open)
        {
            if (candidate.barrier.step() == step)
            {
                return candidate;
            }
        }
        return null;
    }

    private void guarded(final Runnable callback, final String what)
    {
        onCompute.execute(() ->
        {
            if (halted)
            {
                return;
            }
            try
            {
                callback.run();
            }
            catch (final RuntimeException | Error ex)
            {
                halt(new StepLoop.Halted("failed while " + what + ": " + ex, ex));
            }
        });
    }

    private void halt(final StepLoop.Halted why)
    {
        halted = true;
        open.clear();
        actor.accept(why);
    }

    private void onData(final MessageId id, final boolean complete)
    {
        if (!complete)
        {
            return;
        }
        final OpenStep step = find(id.step());
        if (null == step || !step.barrier.onData(id.senderId()))
        {
            ignored++;
            log.debug("ignored gradient of step {} from rank {}", id.step(), id.senderId());
            return;
        }
        step.bytesReceived += engine.gradientBytes(id.step(), id.senderId());
        onDelivered(step, id.senderId());
    }

    private void onMeta(final long at, final int rank, final GradientMeta meta)
    {
        if (null == meta)
        {
            return;
        }
        final OpenStep step = find(at);
        final StepBarrier.Report report = null == step ? StepBarrier.Report.IGNORED :
            step.barrier.onMeta(rank, meta, engine.clipsByGlobalNorm());
        if (report == StepBarrier.Report.IGNORED)
        {
            log.debug("ignored gradient report of step {} from rank {}", at, rank);
            return;
        }
        if (report == StepBarrier.Report.REFUSED)
        {
            refused++;
            log.warn("refused the gradient of step {} from rank {}: it reports {} examples (the server ordered " +
                "{}){}; the step goes on without it", at, rank, meta.examples(), step.barrier.orderedRows(rank),
                engine.clipsByGlobalNorm() ? " and a squared norm of " + meta.squares() + " (at least 0 needed)" : "");
            closeReady();
            next(rank, at);
            return;
        }
        onDelivered(step, rank);
    }

    /** Applies a rank's gradient once both halves are in, closes the steps it completes, orders its next step. */
    private void onDelivered(final OpenStep step, final int rank)
    {
        if (!step.barrier.delivered(rank))
        {
            return;
        }
        final long at = step.barrier.step();
        final double loss = step.barrier.meta(rank).loss();
        if (!Double.isFinite(loss))
        {
            diverged(at, loss, TrainingDivergedException.Found.LOSS);
            return;
        }
        final double used = engine.applyOne(rank, step.barrier.plannedWeight(rank), at,
            step.barrier.meta(rank).squares());
        if (Double.isNaN(used))
        {
            diverged(at, loss, TrainingDivergedException.Found.GRADIENT);
            return;
        }
        rate = used;
        staleness.record(at - readClock[parity(at)][rank], version - readVersion[parity(at)][rank]);
        version++;
        StepTrace.mark("s.applied", at, rank);
        // Steps this gradient completes close first: the weights it sends on then count as holding them.
        closeReady();
        next(rank, at);
    }

    /** {@code rank} delivered (or was refused) {@code done}: orders what its window and the bound allow. */
    private void next(final int rank, final long done)
    {
        deliveredUpTo[rank] = Math.max(deliveredUpTo[rank], done);
        fill(rank);
    }

    /**
     * Orders {@code rank} the steps after its last order while it has fewer than {@link #window} undelivered and the
     * bound allows each; holds it back at the first step the bound refuses (then nothing more until it is released).
     */
    private void fill(final int rank)
    {
        while (!halted && ordered(rank) && bound.heldStep(rank) < 0 && gated[rank] < 0 && orderedUpTo[rank] >= 0 &&
            orderedUpTo[rank] < deliveredUpTo[rank] + window)
        {
            final long step = orderedUpTo[rank] + 1;
            if (step >= plan.totalSteps())
            {
                return;
            }
            if (!bound.allows(step))
            {
                bound.hold(rank, step);
                return;
            }
            final long before = orderedUpTo[rank];
            order(rank, step);
            if (orderedUpTo[rank] == before)
            {
                // Gated (a drop or join in flight), or not in the step's orders (it joins later).
                return;
            }
        }
    }

    /** @return the slot of {@code step}'s books: its parity when pipelined, else 0. */
    private int parity(final long step)
    {
        return window == 1 ? 0 : (int)(step & 1);
    }

    /** Closes the open steps every live rank delivered, in order, releasing the ranks the bound held back. */
    private void closeReady()
    {
        while (!halted && null == heldEpoch && !open.isEmpty() && open.peekFirst().barrier.isComplete())
        {
            final OpenStep done = open.pollFirst();
            bound.closed(done.barrier.step());
            if (!close(done))
            {
                return;
            }
            final long[] steps = new long[plan.shards()];
            for (int rank = 0; rank < steps.length; rank++)
            {
                steps[rank] = bound.heldStep(rank);
            }
            for (final int rank : bound.release())
            {
                if (ordered(rank))
                {
                    order(rank, steps[rank]);
                    fill(rank);
                }
            }
        }
    }

    /** Books a closed step and tells the actor; @return false when the loop halted. */
    private boolean close(final OpenStep done)
    {
        final StepBarrier barrier = done.barrier;
        final long step = barrier.step();
        expectEpochRanges(step + 1);
        final int[] contributors = barrier.contributors();
        if (contributors.length == 0)
        {
            halt(new StepLoop.Halted("step " + step + ": no live worker delivered a gradient", null));
            return false;
        }
        final GradientMeta[] metas = new GradientMeta[plan.shards()];
        double lossSum = 0.0;
        long examples = 0;
        for (final int rank : contributors)
        {
            metas[rank] = barrier.meta(rank);
            lossSum += barrier.meta(rank).loss() * barrier.orderedRows(rank);
            examples += barrier.orderedRows(rank);
        }
        epochs.add(lossSum, examples);
        final long next = step + 1;
        final boolean more = next < plan.totalSteps();
        final long now = System.nanoTime();
        final boolean checkpoint = checkpoints.due(next, now);
        if ((checkpoint || !more) && !engine.stateIsFinite())
        {
            diverged(step, lossSum / examples, TrainingDivergedException.Found.WEIGHTS);
            return false;
        }
        final long checkpointMillis = checkpoint ? checkpoints.write(next, epochs, engine.stateVectors()) : 0;
        final EpochTotals totals = epochs.closeIfLast(step, rate, rankOrders.live().cardinality(), now);
        final StepLoop.Applied applied = new StepLoop.Applied(step, rate, metas, examples, lossSum / examples,
            (now - done.openedNs) / 1e9, done.bytesReceived, engine.bytesSent(), ignored, refused, 0, 0, more,
            takeFailed(), takeReasons(), checkpointMillis, null, staleness.snapshot());
        if (!more)
        {
            halted = true;
        }
        if (engine.shardPlan().shards() > 1 && !setup.role().coordinates())
        {
            return shardEpochEnd(next) && report(applied);
        }
        if (null != totals && gathers())
        {
            // Evaluated once every shard's range of this moment is in; no step closes meanwhile.
            engine.stageRange(next);
            heldEpoch = new HeldEpoch(applied, totals);
            releaseEpoch();
            return true;
        }
        return report(null == totals ? applied : evaluated(applied, totals));
    }

    /**
     * The coordinator of several shards: {@code step} is now the first open step; when it is an epoch's last, expects
     * the other shards' ranges of the version after it. No other shard can close {@code step} before the coordinator
     * applied every live rank's gradient of the step before it (the ranks compute {@code step} only on the
     * coordinator's range of it, sent after that), and so closed that step (a held epoch is released by the ranges
     * that come first on the same stream), so the ranges are always expected in time; and they come within the
     * step deadlines from here, whichever way far ahead the fastest worker has run.
     */
    private void expectEpochRanges(final long step)
    {
        if (!gathers() || !endsEpoch(step + 1) || step >= plan.totalSteps())
        {
            return;
        }
        final long version = step + 1;
        engine.expectRanges(version, gradientDeadline(), missed -> onCompute.execute(() ->
        {
            try
            {
                onRanges(version, missed);
            }
            catch (final RuntimeException | Error ex)
            {
                // Also after the job's last step closed (halted): its epoch waits for these ranges.
                heldEpoch = null;
                halt(new StepLoop.Halted("failed while evaluating weights version " + version + ": " + ex, ex));
            }
        }));
    }

    /** Tells the actor of a closed step; @return true. */
    private boolean report(final StepLoop.Applied applied)
    {
        actor.accept(applied);
        return true;
    }

    /** @return {@code applied} with its epoch's evaluation, on the weights as they are now. */
    private StepLoop.Applied evaluated(final StepLoop.Applied applied, final EpochTotals totals)
    {
        final boolean more = applied.published();
        final StepLoop.EpochEnd epochEnd = new StepLoop.EpochEnd(totals, engine.evaluate(setup.data().validation()),
            more ? null : engine.evaluate(setup.data().test()), more ? null : engine.weights());
        return new StepLoop.Applied(applied.step(), applied.rate(), applied.metas(), applied.examples(),
            applied.loss(), applied.waitSeconds(), applied.bytesReceived(), applied.bytesSent(), applied.ignored(),
            applied.refused(), applied.late(), applied.closedEarly(), applied.published(), applied.failed(),
            applied.reasons(), applied.checkpointMillis(), epochEnd, applied.staleness());
    }

    /**
     * Another shard: sends its range of weights {@code version}, when an epoch's last, to the coordinator, which
     * evaluates the ranges put together. @return false when the send failed (the loop halted).
     */
    private boolean shardEpochEnd(final long version)
    {
        if (!endsEpoch(version))
        {
            return true;
        }
        final SendResult sent = engine.sendRange(version);
        if (!sent.isSent())
        {
            halt(new StepLoop.Halted("sending weights version " + version + " to the coordinator failed: " + sent,
                null));
            return false;
        }
        return true;
    }

    /** The coordinator: the other shards' ranges of {@code version} arrived ({@code missed} null), or did not. */
    private void onRanges(final long version, final String missed)
    {
        if (null != missed)
        {
            if (!halted || null != heldEpoch)
            {
                heldEpoch = null;
                halt(new StepLoop.Halted(missed + " did not arrive", null));
            }
            return;
        }
        rangesIn = Math.max(rangesIn, version);
        releaseEpoch();
        if (null == heldEpoch && !halted)
        {
            closeReady();
        }
    }

    /** The coordinator: evaluates the held epoch once every shard's range of it is in. */
    private void releaseEpoch()
    {
        if (null == heldEpoch || rangesIn < heldEpoch.applied().step() + 1)
        {
            return;
        }
        final HeldEpoch epoch = heldEpoch;
        heldEpoch = null;
        engine.installStaged(epoch.applied().step() + 1);
        actor.accept(evaluated(epoch.applied(), epoch.totals()));
    }

    private List<Integer> takeFailed()
    {
        final List<Integer> taken = List.copyOf(failed);
        failed.clear();
        return taken;
    }

    private List<String> takeReasons()
    {
        final List<String> taken = List.copyOf(reasons);
        reasons.clear();
        return taken;
    }

    private void diverged(final long step, final double loss, final TrainingDivergedException.Found found)
    {
        final TrainingDivergedException problem = new TrainingDivergedException(step, plan.epochOf(step), loss, found,
            setup.job().train().optimizer().learningRate());
        halt(new StepLoop.Halted(problem.getMessage(), problem));
    }

    private long gradientDeadline()
    {
        return System.nanoTime() + 2 * setup.settings().stepTimeout().toNanos();
    }
}
