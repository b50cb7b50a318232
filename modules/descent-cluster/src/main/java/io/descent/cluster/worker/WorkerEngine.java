package io.descent.cluster.worker;

import akka.actor.typed.ActorRef;
import io.descent.cluster.dataplane.Buffers;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.server.ParameterServer;
import io.descent.cluster.trace.StepTrace;
import io.descent.data.Dataset;
import io.descent.data.batch.MinibatchFiller;
import io.descent.data.order.SplitMix64;
import io.descent.nn.Model;
import io.descent.transport.MessageId;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * A worker's ND4J state, confined to its compute thread: the model (whose parameters the data plane overwrites with
 * each weights version), the batch arrays, the shard orders of the current epoch, the outlet to the server and the
 * counters. Not thread-safe: every method runs on the compute thread.
 */
final class WorkerEngine implements AutoCloseable
{
    /** The result of one step on the compute thread. */
    record Pushed(long step, int examples, double loss, SendResult result, WorkerStats stats)
        implements Worker.Command
    {
    }

    private final WorkerSetup setup;
    private final Model model;
    private final JobIdentity identity;
    private final UnsafeBuffer weightsView;
    private final UnsafeBuffer gradientView;
    private final int floats;
    private final Map<Integer, INDArray[]> batchArrays = new HashMap<>();
    private final String host = NodeInfo.host();
    private StepPlan plan;
    private Outlet outlet;
    private int rank = -1;
    private int cachedEpoch = -1;
    private int[][] shardOrders;
    private long samples;
    private double computeSeconds;
    private double pushSeconds;
    private double waitSeconds;
    private long lastPushEndNs;

    WorkerEngine(final WorkerSetup setup)
    {
        this.setup = setup;
        this.model = Model.create(setup.spec(), setup.job().seed());
        this.identity = JobIdentity.of(model.fingerprint(), setup.job().raw());
        this.floats = Math.toIntExact(model.parameterCount());
        this.weightsView = Buffers.view(model.parameters());
        this.gradientView = Buffers.view(model.gradients());
    }

    JobIdentity identity()
    {
        return identity;
    }

    /** Joins the job as {@code newRank} of {@code workers} and opens the outlet to the server. */
    void join(final int newRank, final int workers, final String serverEndpoint)
    {
        rank = newRank;
        plan = new StepPlan(setup.train().size(), workers, setup.job().train().batchSize(),
            setup.job().train().epochs(), setup.job().seed());
        if (null != outlet)
        {
            outlet.close();
        }
        outlet = setup.plane().outlet(serverEndpoint);
    }

    /** @return steps of the job (after {@link #join}). */
    long totalSteps()
    {
        return plan.totalSteps();
    }

    /** Expects weights {@code version} straight into the model's parameters. */
    void expectWeights(final long version, final long deadlineNs, final DataPlane.Arrival arrival)
    {
        final MessageId id = new MessageId(identity.configDigest(), identity.fingerprint(), MessageKind.WEIGHTS,
            version, ParameterServer.SENDER_ID, 0, floats);
        setup.plane().expect(id, weightsView, deadlineNs, arrival);
    }

    /**
     * Computes the gradient of the step's batch (batch {@code batch} of each of {@code shards}, concatenated), arms
     * the data plane for the next weights, tells the server the gradient's metadata (so that the control message
     * travels while the bytes do), then pushes the gradient.
     */
    Pushed step(
        final Worker.Step step,
        final ActorRef<ParameterServer.Command> server,
        final long weightsDeadlineNs,
        final DataPlane.Arrival arrival)
    {
        final long start = System.nanoTime();
        StepTrace.mark("w.cstart", step.step(), rank);
        if (lastPushEndNs != 0)
        {
            waitSeconds += (start - lastPushEndNs) / 1e9;
        }
        final int[] rows = rowsOf(step);
        final INDArray[] arrays = batchArrays.computeIfAbsent(rows.length, n -> new INDArray[]{
            Nd4j.create(model.dataType(), n, setup.train().numFeatures()),
            Nd4j.create(model.dataType(), n, setup.train().numOutputs()) });
        MinibatchFiller.fill(setup.train(), rows, 0, rows.length, arrays[0], arrays[1]);
        model.seedNoise(SplitMix64.derive(SplitMix64.derive(setup.job().seed(), step.step()), step.shards()[0]));
        final double loss = model.computeGradients(arrays[0], arrays[1], setup.job().train().loss());
        final long computed = System.nanoTime();
        StepTrace.mark("w.computed", step.step(), rank);
        expectWeights(step.step() + 1, weightsDeadlineNs, arrival);
        samples += rows.length;
        computeSeconds += (computed - start) / 1e9;
        server.tell(new ParameterServer.Gradient(step.step(), rank, rows.length, loss, stats()));
        StepTrace.mark("w.told", step.step(), rank);
        final MessageId id = new MessageId(identity.configDigest(), identity.fingerprint(), MessageKind.GRADIENT,
            step.step(), rank, 0, floats);
        final SendResult result = outlet.send(id, gradientView,
            System.nanoTime() + setup.settings().sendTimeout().toNanos());
        lastPushEndNs = System.nanoTime();
        StepTrace.mark("w.pushed", step.step(), rank);
        pushSeconds += (lastPushEndNs - computed) / 1e9;
        return new Pushed(step.step(), rows.length, loss, result, stats());
    }

    private int[] rowsOf(final Worker.Step step)
    {
        if (step.epoch() != cachedEpoch)
        {
            shardOrders = new int[plan.shards()][];
            cachedEpoch = step.epoch();
        }
        final int count = plan.batchRows(step.batch());
        final int from = plan.batchStart(step.batch());
        final int[] rows = new int[count * step.shards().length];
        for (int i = 0; i < step.shards().length; i++)
        {
            final int shard = step.shards()[i];
            if (null == shardOrders[shard])
            {
                shardOrders[shard] = plan.shard(shard).indices(step.epoch());
            }
            System.arraycopy(shardOrders[shard], from, rows, i * count, count);
        }
        return rows;
    }

    WorkerStats stats()
    {
        return new WorkerStats(rank, host, NodeInfo.pid(), samples, computeSeconds, pushSeconds, waitSeconds,
            null == outlet ? 0 : outlet.bytesSent());
    }

    @Override
    public void close()
    {
        if (null != outlet)
        {
            outlet.close();
            outlet = null;
        }
    }
}
