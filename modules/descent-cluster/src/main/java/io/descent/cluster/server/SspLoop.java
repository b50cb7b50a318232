package io.descent.cluster.server;

import io.descent.cluster.Consistency;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.trace.StepTrace;
import io.descent.train.TrainingDivergedException;
import io.descent.transport.wire.MessageId;
import org.slf4j.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
 * <p>A step's shards are fixed when its first worker is ordered it (by the live ranks then): a rank lost later leaves
 * its part of the open steps out; the steps opened after the loss give its shard to the others. Confined to the
 * compute thread.
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
    private final BitSet live = new BitSet();
    private final long[] joinAt;
    /** By rank: the first open step, and the server's version, when its current weights went out. */
    private final long[] readClock;
    private final long[] readVersion;
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
        this.joinAt = new long[plan.shards()];
        Arrays.fill(joinAt, -1);
        this.readClock = new long[plan.shards()];
        this.readVersion = new long[plan.shards()];
        this.nextOrderStep = engine.startStep();
    }

    /** As {@link StepLoop#start}. */
    StepLoop.Started start(final int[] ranks)
    {
        for (final int rank : ranks)
        {
            live.set(rank);
        }
        final long now = System.nanoTime();
        epochs.start(now);
        checkpoints.start(now);
        final long step = engine.startStep();
        for (final int rank : ranks)
        {
            order(rank, step);
        }
        return new StepLoop.Started(step, takeFailed(), takeReasons());
    }

    /** As {@link StepLoop#drop}: the rank's undelivered gradients of the open steps are no longer awaited. */
    void drop(final int rank)
    {
        engine.abandonSends(rank);
        final int cancelled = engine.cancelGradients(rank);
        if (cancelled > 0)
        {
            log.debug("cancelled {} expected messages from dropped rank {}", cancelled, rank);
        }
        live.clear(rank);
        joinAt[rank] = -1;
        bound.forget(rank);
        for (final OpenStep step : open)
        {
            step.barrier.drop(rank);
        }
        closeReady();
    }

    /** As {@link StepLoop#admit}: the rank is ordered {@code step} when that step opens. */
    long admit(final int rank, final long step)
    {
        final long next = nextOrderStep;
        if (step < next)
        {
            return next;
        }
        joinAt[rank] = step;
        return -1;
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
     */
    long stop()
    {
        final OpenStep first = open.peekFirst();
        halted = true;
        open.clear();
        if (null == first || !checkpoints.enabled() || checkpoints.lastWritten() == first.barrier.step() ||
            (null != engine.resumed() && engine.resumed().step() == first.barrier.step()) || !engine.stateIsFinite())
        {
            return -1;
        }
        checkpoints.write(first.barrier.step(), epochs, engine.stateVectors());
        return first.barrier.step();
    }

    /** Sends {@code rank} the weights as they are now with its order for {@code step}, opening the step if new. */
    private void order(final int rank, final long step)
    {
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
        readClock[rank] = bound.firstOpen();
        readVersion[rank] = version;
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
            final List<Integer> joined = new ArrayList<>();
            for (int rank = 0; rank < joinAt.length; rank++)
            {
                if (joinAt[rank] >= 0 && joinAt[rank] <= next)
                {
                    live.set(rank);
                    joinAt[rank] = -1;
                    joined.add(rank);
                }
            }
            final int[] ranks = live.stream().toArray();
            final List<StepLoop.Order> orders = new ArrayList<>();
            final StepLoop.Order[] byRank = new StepLoop.Order[plan.shards()];
            for (final int rank : ranks)
            {
                final StepLoop.Order order = new StepLoop.Order(rank, new StepOrder(next, plan.epochOf(next),
                    plan.batchOf(next), Roster.shardsOf(live, rank, plan.shards())));
                orders.add(order);
                byRank[rank] = order;
            }
            last = new OpenStep(new StepBarrier(next, ranks, StepLoop.Order.rowsByRank(plan, orders)), byRank,
                System.nanoTime());
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
        step.bytesReceived += engine.gradientBytes(id.senderId());
        onDelivered(step, id.senderId());
    }

    private void onMeta(final long at, final int rank, final GradientMeta meta)
    {
        if (null == meta)
        {
            return;
        }
        final OpenStep step = find(at);
        final StepBarrier.Report report = null == step ? StepBarrier.Report.IGNORED : step.barrier.onMeta(rank, meta);
        if (report == StepBarrier.Report.IGNORED)
        {
            log.debug("ignored gradient report of step {} from rank {}", at, rank);
            return;
        }
        if (report == StepBarrier.Report.REFUSED)
        {
            refused++;
            log.warn("refused the gradient of step {} from rank {}: it reports {} examples, the server ordered {}; " +
                "the step goes on without it", at, rank, meta.examples(), step.barrier.orderedRows(rank));
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
        final double used = engine.applyOne(rank, step.barrier.plannedWeight(rank), at);
        if (Double.isNaN(used))
        {
            diverged(at, loss, TrainingDivergedException.Found.GRADIENT);
            return;
        }
        rate = used;
        staleness.record(at - readClock[rank], version - readVersion[rank]);
        version++;
        StepTrace.mark("s.applied", at, rank);
        // Steps this gradient completes close first: the weights it sends on then count as holding them.
        closeReady();
        next(rank, at);
    }

    /** Orders {@code rank}'s step after {@code done} when the bound allows it, else holds the rank back. */
    private void next(final int rank, final long done)
    {
        final long step = done + 1;
        if (halted || step >= plan.totalSteps() || !live.get(rank))
        {
            return;
        }
        if (bound.allows(step))
        {
            order(rank, step);
        }
        else
        {
            bound.hold(rank, step);
        }
    }

    /** Closes the open steps every live rank delivered, in order, releasing the ranks the bound held back. */
    private void closeReady()
    {
        while (!halted && !open.isEmpty() && open.peekFirst().barrier.isComplete())
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
                if (live.get(rank))
                {
                    order(rank, steps[rank]);
                }
            }
        }
    }

    /** Books a closed step and tells the actor; @return false when the loop halted. */
    private boolean close(final OpenStep done)
    {
        final StepBarrier barrier = done.barrier;
        final long step = barrier.step();
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
        final EpochTotals totals = epochs.closeIfLast(step, rate, live.cardinality(), now);
        final StepLoop.EpochEnd epochEnd = null == totals ? null : new StepLoop.EpochEnd(totals,
            engine.evaluate(setup.data().validation()), more ? null : engine.evaluate(setup.data().test()),
            more ? null : engine.weights());
        actor.accept(new StepLoop.Applied(step, rate, metas, examples, lossSum / examples,
            (now - done.openedNs) / 1e9, done.bytesReceived, engine.bytesSent(), ignored, refused, 0, 0, more,
            takeFailed(), takeReasons(), checkpointMillis, epochEnd, staleness.snapshot()));
        if (!more)
        {
            halted = true;
        }
        return true;
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
