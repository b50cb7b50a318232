package io.descent.cluster.server;

import com.typesafe.config.ConfigRenderOptions;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.trace.StepTrace;
import io.descent.train.Metrics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameter server's books: step and epoch counters, training loss, timings, checkpoint schedule, and the
 * compute-thread body of one step ({@link #runStep}). Actor-confined except {@link #runStep}, which only reads the
 * immutable {@link StepWork} it is given.
 */
final class Ledger
{
    /**
     * What the compute thread does for one step: the update, maybe a checkpoint, then the next publication (weights
     * and each worker's order).
     */
    record StepWork(
        long step, double correction, int[] live, List<Order> orders, Checkpoint checkpoint)
    {
        boolean more()
        {
            return !orders.isEmpty();
        }
    }

    /** One worker's order for a step. */
    record Order(int rank, StepOrder order)
    {
        /** @return the examples the step's {@code orders} add up to under {@code plan}. */
        static long examples(final StepPlan plan, final List<Order> orders)
        {
            long total = 0;
            for (final Order order : orders)
            {
                total += (long)plan.batchRows(order.order().batch()) * order.order().shards().length;
            }
            return total;
        }
    }

    /** The compute thread's answer to a {@link StepWork}. */
    record Applied(long step, double rate, boolean published, List<Order> ordered, List<Integer> failed,
        List<String> reasons, long bytesSent, long checkpointMillis) implements ParameterServer.Command
    {
    }

    private final ServerSetup setup;
    private final StepPlan plan;
    private final Logger log;
    private final List<EpochReport> epochs = new ArrayList<>();
    private long step;
    private long stepsTaken;
    private double epochLossSum;
    private long epochExamples;
    private int epochSteps;
    private long stepStartNs;
    private long barrierNs;
    private long lastAppliedNs;
    private double stepLossSum;
    private long stepExamples;
    private long stepBytesReceived;
    private long lastBytesSent;
    private double epochSeconds;
    private double rate;
    private long bytesReceived;
    private long ignoredGradients;
    private long startNs;
    private long lastCheckpointNs;

    Ledger(final ServerSetup setup, final Logger log)
    {
        this.setup = setup;
        this.plan = setup.plan();
        this.log = log;
    }

    void start(final long firstStep, final Checkpoint resumed)
    {
        step = firstStep;
        if (null != resumed)
        {
            epochLossSum = resumed.epochLossSum();
            epochExamples = resumed.epochExamples();
        }
    }

    void startClock()
    {
        startNs = System.nanoTime();
        lastCheckpointNs = startNs;
        lastAppliedNs = startNs;
    }

    long step()
    {
        return step;
    }

    void onStepStart(final long newStep)
    {
        step = newStep;
        stepStartNs = System.nanoTime();
    }

    void ignoreGradient()
    {
        ignoredGradients++;
    }

    void onBytes(final long bytes)
    {
        bytesReceived += bytes;
        stepBytesReceived += bytes;
    }

    StepWork onApply(
        final StepBarrier barrier, final int[] contributors, final int[] live, final List<Order> nextOrders)
    {
        StepTrace.mark("s.dispatch", barrier.step(), -1);
        barrierNs = System.nanoTime();
        stepLossSum = 0.0;
        stepExamples = 0;
        for (final int rank : contributors)
        {
            stepLossSum += barrier.loss(rank) * barrier.examples(rank);
            stepExamples += barrier.examples(rank);
            epochLossSum += barrier.loss(rank) * barrier.examples(rank);
            epochExamples += barrier.examples(rank);
        }
        final long next = barrier.step() + 1;
        final boolean more = next < plan.totalSteps();
        return new StepWork(barrier.step(), barrier.correction(), live, more ? nextOrders : List.of(),
            more ? checkpointDue(next) : null);
    }

    private Checkpoint checkpointDue(final long next)
    {
        final ClusterSettings.CheckpointSettings settings = setup.settings().checkpoints();
        if (!settings.enabled())
        {
            return null;
        }
        final long now = System.nanoTime();
        final boolean bySteps = settings.everySteps() > 0 && next % settings.everySteps() == 0;
        final boolean byTime = !settings.every().isZero() && now - lastCheckpointNs >= settings.every().toNanos();
        if (!bySteps && !byTime)
        {
            return null;
        }
        lastCheckpointNs = now;
        final boolean newEpoch = plan.batchOf(next) == 0;
        return new Checkpoint(next, plan.shards(), plan.epochOf(next), plan.batchOf(next), newEpoch ? 0.0 : epochLossSum,
            newEpoch ? 0 : epochExamples, 0, "", 0,
            setup.job().raw().root().render(ConfigRenderOptions.concise()), null, System.currentTimeMillis());
    }

    /** Compute thread: update, checkpoint, expect and publish the next step. */
    Applied runStep(
        final ServerEngine engine,
        final StepWork work,
        final long deadlineNs,
        final DataPlane.Arrival arrival,
        final ServerEngine.MetaArrival metas)
    {
        StepTrace.mark("s.rstart", work.step(), -1);
        final double usedRate = engine.apply(work.step(), work.correction());
        StepTrace.mark("s.applied", work.step(), -1);
        if (null != work.checkpoint())
        {
            writeCheckpoint(engine, work.checkpoint());
        }
        final List<Integer> failed = new ArrayList<>();
        List<String> reasons = List.of();
        if (work.more())
        {
            engine.expectGradients(work.step() + 1, work.live(), deadlineNs, arrival, metas);
            StepTrace.mark("s.ordered", work.step() + 1, -1);
            reasons = engine.publish(work.step() + 1, work.orders(), failed);
            StepTrace.mark("s.published", work.step() + 1, -1);
        }
        return new Applied(work.step(), usedRate, work.more(), work.orders(), failed, reasons, engine.bytesSent(),
            null == work.checkpoint() ? 0 : work.checkpoint().createdMillis());
    }

    private void writeCheckpoint(final ServerEngine engine, final Checkpoint partial)
    {
        final List<INDArray> vectors = engine.stateVectors();
        final long[] lengths = vectors.stream().mapToLong(INDArray::length).toArray();
        final Checkpoint full = new Checkpoint(partial.step(), partial.shards(), partial.epoch(), partial.batch(), partial.epochLossSum(),
            partial.epochExamples(), engine.identity().fingerprint(), engine.identity().architecture(),
            engine.identity().configDigest(), partial.config(), lengths, partial.createdMillis());
        final ClusterSettings.CheckpointSettings settings = setup.settings().checkpoints();
        final Path dir = settings.dir().orElseThrow();
        final Path written = CheckpointStore.write(dir, full, vectors, settings.keep());
        log.info("checkpoint of step {} written to {}", full.step(), written);
    }

    /** @return the step {@code applied} completed, for live metrics; call it before {@link #onApplied}. */
    StepReport stepReport(final Ledger.Applied applied, final int liveWorkers)
    {
        final long now = System.nanoTime();
        final StepReport report = new StepReport(applied.step(), (now - lastAppliedNs) / 1e9,
            Math.max(0, barrierNs - stepStartNs) / 1e9, stepExamples,
            stepExamples > 0 ? stepLossSum / stepExamples : Double.NaN, liveWorkers, stepBytesReceived,
            applied.bytesSent() - lastBytesSent);
        lastAppliedNs = now;
        lastBytesSent = applied.bytesSent();
        stepBytesReceived = 0;
        return report;
    }

    /** @return the epoch's totals when {@code applied} ended an epoch, else null. */
    EpochTotals onApplied(final Applied applied, final int liveWorkers)
    {
        StepTrace.mark("s.aactor", applied.step(), -1);
        stepsTaken++;
        epochSteps++;
        rate = applied.rate();
        step = applied.step() + 1;
        epochSeconds += (System.nanoTime() - stepStartNs) / 1e9;
        if (!plan.endsEpoch(applied.step()))
        {
            return null;
        }
        final EpochTotals totals = new EpochTotals(plan.epochOf(applied.step()),
            epochExamples > 0 ? epochLossSum / epochExamples : Double.NaN, epochExamples, epochSteps, epochSeconds,
            rate, liveWorkers);
        epochLossSum = 0.0;
        epochExamples = 0;
        epochSteps = 0;
        epochSeconds = 0.0;
        return totals;
    }

    EpochReport onEpochEvaluated(final EpochTotals totals, final Metrics validation)
    {
        final EpochReport report = new EpochReport(totals.epoch(), plan.epochs(), totals.trainLoss(), totals.examples(),
            totals.steps(), totals.seconds(), totals.learningRate(), validation, totals.liveWorkers());
        epochs.add(report);
        log.info("epoch {}/{}: train loss {} validation {} ({} examples, {} s, {} workers)", report.epoch(),
            report.epochs(), String.format("%.4f", report.trainLoss()), validation.describe(), report.examples(),
            String.format("%.1f", report.seconds()), report.liveWorkers());
        return report;
    }

    JobResult result(
        final Metrics test,
        final float[] weights,
        final List<WorkerStats> workers,
        final List<Integer> lost,
        final double updateSeconds)
    {
        final ServerStats server = new ServerStats(NodeInfo.host(), NodeInfo.pid(), stepsTaken, updateSeconds,
            bytesReceived, ignoredGradients);
        return new JobResult(List.copyOf(epochs), test, step, weights, workers, server, List.copyOf(lost),
            (System.nanoTime() - startNs) / 1e9);
    }
}
