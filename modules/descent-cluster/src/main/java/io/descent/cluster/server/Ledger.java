package io.descent.cluster.server;

import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.train.Metrics;
import io.descent.transport.wire.MessageKind;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameter server's books, kept from the {@link StepLoop.Applied} reports of its compute thread: the next step,
 * steps taken, the learning rate, bytes, ignored and refused gradients, the epoch reports, and the live step reports.
 * Actor-confined.
 */
final class Ledger
{
    private final StepPlan plan;
    private final DataPlane plane;
    private final Logger log;
    private final List<EpochReport> epochs = new ArrayList<>();
    private final EpochWorkerTime.Tracker workerTime = new EpochWorkerTime.Tracker();
    private long step;
    private long stepsTaken;
    private long bytesReceived;
    private long ignoredGradients;
    private long refusedGradients;
    private long lateGradients;
    private long closedEarly;
    private Staleness staleness = Staleness.NONE;
    private long startNs;
    private long lastAppliedNs;
    private long lastBytesSent;

    Ledger(final ServerSetup setup, final Logger log)
    {
        this.plan = setup.plan();
        this.plane = setup.plane();
        this.log = log;
    }

    void start(final long firstStep)
    {
        step = firstStep;
    }

    void startClock()
    {
        startNs = System.nanoTime();
        lastAppliedNs = startNs;
    }

    /** @return the step being collected (the first one before training starts). */
    long step()
    {
        return step;
    }

    /** Books a step the compute thread applied; @return its report for live metrics. */
    StepReport onApplied(final StepLoop.Applied applied, final int liveWorkers)
    {
        final long now = System.nanoTime();
        final StepReport report = new StepReport(applied.step(), (now - lastAppliedNs) / 1e9, applied.waitSeconds(),
            applied.examples(), applied.loss(), liveWorkers, applied.bytesReceived(),
            applied.bytesSent() - lastBytesSent, applied.late(), applied.closedEarly(), applied.staleness());
        lastAppliedNs = now;
        lastBytesSent = applied.bytesSent();
        stepsTaken++;
        step = applied.step() + 1;
        bytesReceived += applied.bytesReceived();
        ignoredGradients = applied.ignored();
        refusedGradients = applied.refused();
        lateGradients = applied.late();
        closedEarly = applied.closedEarly();
        staleness = applied.staleness();
        return report;
    }

    /**
     * Books an epoch's end.
     *
     * @param end     the compute thread's totals and validation metrics.
     * @param workers every worker's latest cumulative counters (from the epoch's last step).
     */
    EpochReport onEpoch(final StepLoop.EpochEnd end, final List<WorkerStats> workers)
    {
        final EpochTotals totals = end.totals();
        final EpochReport report = new EpochReport(totals.epoch(), plan.epochs(), totals.trainLoss(), totals.examples(),
            totals.steps(), totals.seconds(), totals.learningRate(), end.validation(), totals.liveWorkers(),
            workerTime.epochEnded(workers));
        epochs.add(report);
        log.info("epoch {}/{}: train loss {} validation {} ({} examples, {} s, {} workers)", report.epoch(),
            report.epochs(), String.format("%.4f", report.trainLoss()), end.validation().describe(),
            report.examples(), String.format("%.1f", report.seconds()), report.liveWorkers());
        return report;
    }

    JobResult result(
        final Metrics test,
        final float[] weights,
        final List<WorkerStats> workers,
        final List<Integer> lost,
        final double updateSeconds,
        final List<ServerProtocol.ShardStats> others,
        final CompressionStats traffic)
    {
        // The step loop counts gradients it turned away; the data plane those that came after it was done with them.
        final ServerStats server = new ServerStats(NodeInfo.host(), NodeInfo.pid(), stepsTaken, updateSeconds,
            bytesReceived, ignoredGradients + plane.staleMessages(MessageKind.GRADIENT), refusedGradients,
            NodeInfo.cpus(), plane.stats(), lateGradients, closedEarly, staleness, traffic);
        final List<ServerStats> shards = new ArrayList<>();
        if (!others.isEmpty())
        {
            shards.add(server);
            for (final ServerProtocol.ShardStats other : others)
            {
                shards.add(null == other ? null : new ServerStats(other.host(), other.pid(), other.steps(),
                    other.updateSeconds(), other.bytesReceived(), other.ignoredGradients(), other.refusedGradients(),
                    other.cpus(), other.transport(), other.lateGradients(), other.closedEarly(), new Staleness(other.stalenessSteps(),
                    other.versionLag()), other.compression()));
            }
        }
        return new JobResult(List.copyOf(epochs), test, step, weights, workers, server, List.copyOf(lost),
            (System.nanoTime() - startNs) / 1e9, Collections.unmodifiableList(shards));
    }
}
