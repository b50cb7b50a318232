package io.descent.cluster.worker;

import io.descent.cluster.Consistency;
import io.descent.cluster.GradientCodecs;
import io.descent.cluster.dataplane.Buffers;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.ShardMap;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.trace.StepTrace;
import io.descent.nn.Model;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A worker's ND4J state, confined to its compute thread: the model (whose parameters the data plane overwrites with
 * each weights version), its {@link StepCompute step arithmetic}, the buffers the step orders and gradient reports
 * travel in, the outlet to the server and the counters. Not thread-safe: every method runs on the compute thread.
 *
 * <p>With parameter-server shards ({@link ShardMap}) the worker has one outlet per shard: each weights version arrives
 * as one range per shard, straight into its place in the model's parameters, and the step starts once every range
 * and the coordinator's order are in; the gradient goes out as one range per shard, and its report to every shard.
 *
 * <p>Pipelined ssp or async ({@link Consistency#window} 2) the server keeps two steps ordered per worker: weights
 * t + 2 may arrive while step t + 1 is computed, so every version lands in a staging buffer of its parity and is
 * copied into the parameters just before its step; orders land by parity too.
 */
final class WorkerEngine implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(WorkerEngine.class);

    /** The result of one step on the compute thread. */
    record Pushed(long step, int examples, double loss, SendResult result, WorkerStats stats, long bytesReceived)
        implements Worker.Command
    {
    }

    /** Weights {@code version} or their order did not arrive within the slice of a {@link #run}. */
    record Waiting(long version) implements Worker.Command
    {
    }

    /** Weights {@code version} or their order passed their deadline: {@code what} did not arrive. */
    record Missed(long version, String what) implements Worker.Command
    {
    }

    private static final int META_WORDS = GradientMeta.BYTES / Integer.BYTES;
    /**
     * Values encoded per piece of a gradient sent while it is encoded ({@link #pushInPieces}): 64 KiB of fp16, about
     * 0.1 ms of encoding and 54 chunks of a 1500-byte link, so the first chunk leaves almost at once.
     */
    static final int PIECE_VALUES = 32 * 1024;

    private final WorkerSetup setup;
    private final WorkerObserver observer;
    private final Model model;
    /** The identity the worker registers with (no incarnation). */
    private final JobIdentity identity;
    /** The identity of the server it joined, incarnation included: every data-plane message carries it. */
    private volatile JobIdentity joined;
    private final UnsafeBuffer metaView = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
    /** Between the offers of a gradient sent in pieces once it is all encoded (as the transport's sender idles). */
    private final IdleStrategy pushIdle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
    private final int floats;
    private final TestDelay delay = TestDelay.fromEnvironment(System.getenv());
    private final String host = NodeInfo.host();
    /** By version parity: where a step's order lands. */
    private final UnsafeBuffer[] orderViews = new UnsafeBuffer[2];
    private int orderWords;
    /** Steps the server keeps ordered to this worker at once (1, or 2 pipelined); set at each join. */
    private int window = 1;
    private StepPlan plan;
    private StepCompute compute;
    /** One outlet per parameter-server shard; index 0 is the server (the coordinator). */
    private Outlet[] outlets = new Outlet[0];
    /** The shards' range boundaries: {@code [0, floats]} for one server. */
    private long[] bounds;
    private UnsafeBuffer[] weightRanges;
    private UnsafeBuffer[] gradientRanges;
    /** The whole parameter vector, as observers see it. */
    private final UnsafeBuffer parametersView;
    /** The whole gradient, which encoders read their range of. */
    private final UnsafeBuffer gradientView;
    /**
     * By shard, the encoder of this worker's range of the gradient (null: sent as float32, no copy) and the buffer it
     * encodes into. New at every join: a threshold encoder's residual starts from zero when the worker (re)joins or
     * the server restarted (the unsent part of recent steps is lost, see docs/architecture.md).
     */
    private GradientEncoder[] encoders = new GradientEncoder[0];
    private UnsafeBuffer[] encodedRanges = new UnsafeBuffer[0];
    /** The squared norm of each push as the shards decode it, when they clip by it (ssp/async with shards). */
    private PushedNorm pushedNorm;
    /**
     * With {@code weight-compression}: the decoder of the weights' ranges, and where each version's encoded ranges land
     * (by version parity, then shard: version v + 1 may land while v is computed) with their lengths, else null
     * (weights land as float32 straight in the model's parameters).
     */
    private GradientDecoder weightsDecoder;
    private UnsafeBuffer[][] weightStaging;
    private int[][] stagedBytes;
    /**
     * Threshold-coded weights: the last version added into the parameters since the join, or -1 while the worker
     * holds none (its first version comes whole as float32, the coded changes of the later ones are added to it).
     */
    private long heldVersion = -1;
    /** Weight bytes received (as they travelled) for the step being computed, for its byte count. */
    private long weightBytesIn;
    /** Gradient bytes this worker pushed: as float32 (before compression) and on the wire (after). */
    private long gradientBytesDense;
    private long gradientBytesWire;
    /** Bytes sent through the outlets of earlier joins (another server, or another incarnation of it). */
    private long sentBefore;
    private int rank = -1;
    private long samples;
    private double computeSeconds;
    private double pushSeconds;
    private double waitSeconds;
    private long lastPushEndNs;
    /** Backup: the worker arms two versions ahead and computes the newest it has ({@link #arrived}). */
    private final boolean skipAhead;
    /** The highest version armed since the last join (compute thread). */
    private long armedUpTo = -1;
    /** By version parity: the last version whose weights, and whose order, arrived (data-plane threads write). */
    private final AtomicLongArray weightsIn = new AtomicLongArray(new long[]{-1, -1});
    private final AtomicReferenceArray<StepOrder> ordersIn = new AtomicReferenceArray<>(2);
    private volatile long missedVersion = -1;
    private volatile String missedWhat;
    private volatile boolean stopped;
    private volatile long abandoned = -1;
    private long bytesReceived;
    private WorkerStats observed;
    private long observedBytesReceived;

    /**
     * @param setup    the job, data, model, settings and data plane.
     * @param observer told of every step, on the compute thread.
     */
    WorkerEngine(final WorkerSetup setup, final WorkerObserver observer)
    {
        this.setup = setup;
        this.observer = observer;
        this.model = Model.create(setup.spec(), setup.job().seed());
        this.identity = JobIdentity.of(model.fingerprint(), setup.job().raw());
        this.joined = identity;
        this.floats = Math.toIntExact(model.parameterCount());
        this.skipAhead = setup.settings().consistency().mode() == Consistency.Mode.BACKUP;
        this.gradientView = Buffers.view(model.gradients());
        this.parametersView = Buffers.view(model.parameters());
    }

    JobIdentity identity()
    {
        return identity;
    }

    /**
     * Joins the job as {@code newRank} of {@code workers} at the server's {@code incarnation} and opens the outlet to
     * the server. Also after the server was lost and restarted: what was awaited from an earlier incarnation is
     * cancelled on the data plane ({@link io.descent.cluster.dataplane.DataPlane#cancelFrom}), so an old server still
     * alive (a partition, not a crash) can write nothing more into this worker's buffers, and the step position comes
     * from the server again.
     */
    void join(final int newRank, final int workers, final String serverEndpoint, final long incarnation)
    {
        join(newRank, workers, serverEndpoint, incarnation, 0, 0);
    }

    /**
     * {@link #join(int, int, String, long)}, authenticating the data plane under the key of the server's
     * {@code incarnation} when this node has a MAC: the server's chunks are accepted only from {@code serverSession},
     * and the outlet to the server sends on {@code workerSession} (the sessions the server handed out, 0 for any).
     */
    void join(
        final int newRank, final int workers, final String serverEndpoint, final long incarnation,
        final int workerSession, final int serverSession)
    {
        join(newRank, workers, serverEndpoint, incarnation, workerSession, serverSession, ShardMap.SINGLE);
    }

    /**
     * {@link #join(int, int, String, long, int, int)} with the parameter-server shards the server named: an outlet
     * to each, and each weights version and gradient cut into their ranges.
     */
    void join(
        final int newRank, final int workers, final String serverEndpoint, final long incarnation,
        final int workerSession, final int serverSession, final ShardMap shards)
    {
        join(newRank, workers, serverEndpoint, incarnation, workerSession, serverSession, shards, null);
    }

    /**
     * {@link #join(int, int, String, long, int, int, ShardMap)} with the server's chunk authentication, which this
     * worker takes when its own is {@code auto} ({@link io.descent.cluster.ClusterSettings#dataPlane(String)}).
     */
    void join(
        final int newRank, final int workers, final String serverEndpoint, final long incarnation,
        final int workerSession, final int serverSession, final ShardMap shards, final String serversDataPlane)
    {
        final ChunkAuth auth = setup.settings().dataPlane(serversDataPlane);
        if (auth.authenticates())
        {
            setup.plane().authenticate(auth,
                setup.settings().key().dataPlaneKey(incarnation, DataPlaneAuth.KEY_LABEL));
            // Every shard shares the coordinator's incarnation and key, and sends on a session of its own.
            for (int shard = 0; shard < shards.shards(); shard++)
            {
                setup.plane().bindSender(SenderId.server(shard), ShardMap.session(serverSession, shard));
            }
        }
        // What the earlier join's shards (or this one's) were still expected to send.
        final int earlierShards = null == bounds ? 1 : bounds.length - 1;
        int cancelled = 0;
        for (int shard = 0; shard < Math.max(shards.shards(), earlierShards); shard++)
        {
            cancelled += setup.plane().cancelFrom(SenderId.server(shard));
        }
        if (cancelled > 0)
        {
            LOG.info("cancelled {} expectations of the server's earlier incarnation", cancelled);
        }
        joined = identity.withIncarnation(incarnation);
        for (int parity = 0; parity < 2; parity++)
        {
            weightsIn.set(parity, -1);
            ordersIn.set(parity, null);
        }
        armedUpTo = -1;
        missedVersion = -1;
        missedWhat = null;
        stopped = false;
        lastPushEndNs = 0;
        rank = newRank;
        orderWords = StepOrder.ints(workers);
        for (int parity = 0; parity < 2; parity++)
        {
            orderViews[parity] = new UnsafeBuffer(ByteBuffer.allocateDirect(orderWords * Integer.BYTES));
        }
        window = setup.settings().consistency().window(shards.shards());
        plan = new StepPlan(setup.train().size(), workers, setup.job().train().batchSize(),
            setup.job().train().epochs(), setup.job().seed());
        compute = new StepCompute(model, plan, setup.train(), setup.job().train().loss(), setup.job().seed());
        closeOutlets();
        bounds = shards.shards() == 1 ? new long[]{0, floats} : shards.bounds();
        if (bounds[bounds.length - 1] != floats)
        {
            throw new IllegalStateException("the server's shard ranges end at float " + bounds[bounds.length - 1] +
                ", this worker's model has " + floats);
        }
        final int count = bounds.length - 1;
        pushedNorm = PushedNorm.of(setup.settings(), setup.job().train().optimizer().clipNorm(), count);
        outlets = new Outlet[count];
        weightRanges = new UnsafeBuffer[count];
        gradientRanges = new UnsafeBuffer[count];
        encoders = new GradientEncoder[count];
        encodedRanges = new UnsafeBuffer[count];
        weightsDecoder = GradientCodecs.weightsDecoder(setup.settings().compression());
        weightStaging = null == weightsDecoder && window == 1 ? null : new UnsafeBuffer[2][count];
        stagedBytes = new int[2][count];
        heldVersion = -1;
        for (int shard = 0; shard < count; shard++)
        {
            outlets[shard] = setup.plane().outlet(0 == shard ? serverEndpoint : shards.endpoints()[shard - 1],
                ShardMap.session(workerSession, shard));
            weightRanges[shard] = Buffers.range(model.parameters(), bounds[shard], length(shard));
            gradientRanges[shard] = Buffers.range(model.gradients(), bounds[shard], length(shard));
            encoders[shard] = GradientCodecs.encoder(setup.settings().compression(), length(shard));
            encodedRanges[shard] = null == encoders[shard] ? null :
                new UnsafeBuffer(ByteBuffer.allocateDirect(encoders[shard].maxEncodedBytes()));
            final int capacity = GradientCodecs.weightsCapacity(setup.settings().compression(), length(shard));
            for (int parity = 0; null != weightStaging && parity < 2; parity++)
            {
                weightStaging[parity][shard] = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
                stagedBytes[parity][shard] = capacity;
            }
        }
    }

    /** @return how the server publishes weights (float32 unless {@code weight-compression} says otherwise). */
    private Compression weightsEncoding()
    {
        return null == weightsDecoder ? Compression.NONE : weightsDecoder.compression();
    }

    /** @return true when the server publishes threshold-coded changes of the weights. */
    private boolean weightsAsDeltas()
    {
        return weightsEncoding() == Compression.THRESHOLD;
    }

    /**
     * @return how weights {@code version} comes: float32 (no weight compression, or a threshold-coded worker's first
     * version; straight into the parameters unless pipelined), else encoded into staging.
     */
    private Compression arrivalEncoding(final long version)
    {
        return weightsAsDeltas() && heldVersion < 0 ? Compression.NONE : weightsEncoding();
    }

    /**
     * With {@code weight-compression}: decodes weights {@code version}'s ranges from their staging buffers into the
     * model's parameters, before computing on them; threshold-coded changes are added in, every version since the
     * last one held in order (under backup the worker may skip to a later version: it still adds each change). A
     * threshold-coded worker's first version came whole as float32: nothing to decode. Compute thread.
     */
    private void installWeights(final long version)
    {
        if (null == weightsDecoder)
        {
            weightBytesIn += (long)floats * Float.BYTES;
            if (window > 1)
            {
                // Pipelined: the version landed beside the parameters while the step before was computed on them.
                final UnsafeBuffer[] staged = weightStaging[(int)(version & 1)];
                for (int shard = 0; shard < staged.length; shard++)
                {
                    weightRanges[shard].putBytes(0, staged[shard], 0, length(shard) * Float.BYTES);
                }
            }
            return;
        }
        if (!weightsAsDeltas())
        {
            decodeStaged(version, true);
            return;
        }
        if (heldVersion < 0)
        {
            weightBytesIn += (long)floats * Float.BYTES;
        }
        else
        {
            for (long next = heldVersion + 1; next <= version; next++)
            {
                decodeStaged(next, false);
            }
        }
        heldVersion = version;
    }

    /** Writes ({@code first}) or adds weights {@code version}'s staged ranges into the parameters. */
    private void decodeStaged(final long version, final boolean first)
    {
        final int parity = (int)(version & 1);
        final UnsafeBuffer[] staged = weightStaging[parity];
        for (int shard = 0; shard < staged.length; shard++)
        {
            final int bytes = stagedBytes[parity][shard];
            weightBytesIn += bytes;
            if (!weightsDecoder.accumulate(staged[shard], bytes, weightRanges[shard], length(shard), 1.0f, first))
            {
                throw new IllegalStateException("weights version " + version + "'s " + weightsDecoder.compression()
                    .label() + " range of shard " + shard + " (" + bytes + " bytes) does not " +
                    "decode into " + length(shard) + " floats");
            }
        }
    }

    private int length(final int shard)
    {
        return Math.toIntExact(bounds[shard + 1] - bounds[shard]);
    }

    private void closeOutlets()
    {
        for (final Outlet each : outlets)
        {
            sentBefore += each.bytesSent();
            each.close();
        }
        outlets = new Outlet[0];
    }

    /** @return steps of the job (after {@link #join}). */
    long totalSteps()
    {
        return plan.totalSteps();
    }

    /**
     * Expects the first step's weights and order after a join ({@link #expectStep}), and pipelined also the next
     * step's: the server orders both at once.
     */
    void expectFirst(final long version, final long deadlineNs)
    {
        for (long next = version; next < version + window; next++)
        {
            expectStep(next, deadlineNs);
        }
    }

    /**
     * Expects weights {@code version} straight into the model's parameters (with {@code weight-compression}, or
     * pipelined: into its staging buffers, decoded or copied before the step is computed), and the order that follows
     * them; their arrival (or their deadline passing) is noted for {@link #run}. Call it before the server can publish
     * that version, and only when the order of the version two before it has been read.
     */
    void expectStep(final long version, final long deadlineNs)
    {
        if ((skipAhead || window > 1) && version <= armedUpTo)
        {
            return;
        }
        armedUpTo = Math.max(armedUpTo, version);
        final JobIdentity server = joined;
        final AtomicInteger rangesLeft = new AtomicInteger(weightRanges.length);
        final Compression encoding = arrivalEncoding(version);
        final int parity = (int)(version & 1);
        for (int shard = 0; shard < weightRanges.length; shard++)
        {
            final int range = shard;
            setup.plane().expect(server.rangeId(MessageKind.WEIGHTS, version, SenderId.server(shard), bounds[shard],
                length(shard)).withCompression(encoding), encoding == Compression.NONE && window == 1 ?
                weightRanges[shard] : weightStaging[parity][shard], deadlineNs, new DataPlane.Arrival()
                {
                    @Override
                    public void onArrival(final MessageId id, final boolean complete)
                    {
                        onArrival(id, complete, -1);
                    }

                    @Override
                    public void onArrival(final MessageId id, final boolean complete, final int bytes)
                    {
                        if (complete && bytes >= 0 && !stale(id))
                        {
                            // Written before weightsIn (volatile) is, read after it: ordered as the bytes are.
                            stagedBytes[parity][range] = bytes;
                        }
                        weightsArrived(id, complete, rangesLeft);
                    }
                });
        }
        final UnsafeBuffer order = orderViews[parity];
        setup.plane().expect(server.messageId(MessageKind.STEP_ORDER, version, SenderId.SERVER,
            orderWords), order, deadlineNs, (id, complete) ->
            {
                if (stale(id))
                {
                    return;
                }
                if (complete)
                {
                    ordersIn.set(parity, StepOrder.decode(id.step(), order));
                }
                else
                {
                    miss(id.step(), "the order of step " + id.step());
                }
            });
    }

    /** Notes one range of a weights version in, or its deadline passed (a data-plane thread). */
    private void weightsArrived(final MessageId id, final boolean complete, final AtomicInteger rangesLeft)
    {
        StepTrace.mark("w.wdata", id.step(), -1);
        if (stale(id))
        {
            return;
        }
        if (!complete)
        {
            miss(id.step(), "weights version " + id.step() + (weightRanges.length == 1 ? "" :
                " (floats from " + id.floatOffset() + ")"));
        }
        else if (rangesLeft.decrementAndGet() == 0)
        {
            weightsIn.set((int)(id.step() & 1), id.step());
        }
    }

    /** @return true for an expectation of an earlier incarnation of the server (it ended at its deadline). */
    private boolean stale(final MessageId id)
    {
        return id.jobId() != joined.jobId();
    }

    private void miss(final long version, final String what)
    {
        missedWhat = what;
        missedVersion = version;
    }

    /**
     * Runs the steps from {@code version} on, on this thread, without coming back to the actor between them: waits
     * for each step's weights and order (polling an inline data plane), computes and pushes the step, arms the next
     * and goes on. The actor hears of progress at least once per {@code sliceNs}.
     *
     * @return {@link Pushed}, the last step pushed, when a push failed, the job's last step was pushed, a slice has
     * passed or the next weights did not come within a slice; {@link Missed} when the weights or order of
     * {@code version} passed their deadline; {@link Waiting} when a slice passed before the weights of
     * {@code version} came or the engine was {@link #stop() stopped}.
     */
    Worker.Command run(final long version, final long totalSteps, final long sliceNs)
    {
        final long sliceEnd = System.nanoTime() + sliceNs;
        Pushed last = null;
        for (long next = version; next < totalSteps; next = last.step() + 1)
        {
            final long awaited = next;
            setup.plane().await(() -> arrived(awaited) || missedVersion == awaited || stopped ||
                abandoned == awaited, System.nanoTime() + sliceNs);
            if (!arrived(awaited) || stopped)
            {
                // A miss after some steps is reported on the next run, once the actor knows those steps.
                return null != last ? last : missedVersion == awaited ? new Missed(awaited, missedWhat) :
                    new Waiting(awaited);
            }
            final StepOrder order = orderIn(awaited);
            installWeights(order.step());
            observer.onWeights(order.step(), parametersView);
            last = step(order, System.nanoTime() + setup.settings().weightsTimeout().toNanos());
            observe(last);
            if (!last.result().isSent() || System.nanoTime() - sliceEnd > 0)
            {
                return last;
            }
        }
        return null != last ? last : new Waiting(version);
    }

    private void observe(final Pushed pushed)
    {
        final WorkerStats now = pushed.stats();
        final WorkerStats before = null == observed ?
            new WorkerStats(rank, "", 0, 0, 0, 0, 0, 0, TransportStats.NONE) : observed;
        observer.onStep(pushed.step(), busySeconds(now) - busySeconds(before),
            now.waitSeconds() - before.waitSeconds(), pushed.examples(),
            pushed.bytesReceived() - observedBytesReceived, now.bytesSent() - before.bytesSent());
        observed = now;
        observedBytesReceived = pushed.bytesReceived();
    }

    private static double busySeconds(final WorkerStats stats)
    {
        return stats.computeSeconds() + stats.pushSeconds() + stats.waitSeconds();
    }

    /**
     * @return true when the weights and order of {@code version} are in; under backup also when a later version's
     * are (the worker fell behind: it skips to the newest, its gradient of the skipped step would have come late).
     */
    private boolean arrived(final long version)
    {
        return null != orderIn(version);
    }

    /**
     * @return the order of {@code version} when its weights and it are in, else null; under backup, of the newest
     * weights version in when it is at or after {@code version} and its order is in too (weights land straight in
     * the parameters there, so only the newest can be computed on).
     */
    private StepOrder orderIn(final long version)
    {
        final int parity = skipAhead ? (weightsIn.get(0) >= weightsIn.get(1) ? 0 : 1) : (int)(version & 1);
        final long weights = weightsIn.get(parity);
        final StepOrder order = ordersIn.get(parity);
        final boolean in = null != order && order.step() == weights &&
            (skipAhead ? weights >= version : weights == version);
        return in ? order : null;
    }

    /**
     * Gives up waiting for weights {@code version} (never to come: the server told a later first step): a
     * {@link #run} waiting for it returns {@link Waiting} soon, so the compute thread can arm the later step
     * (thread-safe).
     */
    void abandon(final long version)
    {
        abandoned = version;
    }

    /** Makes a running or later {@link #run} return soon (thread-safe). */
    void stop()
    {
        stopped = true;
    }

    /**
     * Computes the gradient of the step's batch ({@link StepCompute}), arms the data plane for the next weights and
     * order, pushes the gradient and its {@link GradientMeta}, then reads the next batch ahead while the server folds
     * (counted as compute).
     */
    private Pushed step(final StepOrder step, final long weightsDeadlineNs)
    {
        final long start = System.nanoTime();
        StepTrace.mark("w.cstart", step.step(), rank);
        if (lastPushEndNs != 0)
        {
            waitSeconds += (start - lastPushEndNs) / 1e9;
        }
        // Backup steps may close without this worker: the next weights can then come while it computes this step,
        // and the ones after once it delivered it (see the server's StepClose).
        if (skipAhead || window > 1)
        {
            // Pipelined: the server orders t + 2 once it applied t, after this push; its staging buffer is free (t's
            // weights are in the parameters).
            for (long version = Math.max(armedUpTo + 1, step.step() + 1); version <= step.step() + 2; version++)
            {
                expectStep(version, weightsDeadlineNs);
            }
        }
        delay.pause(rank);
        final int rows = compute.rows(step);
        final double loss = compute.compute(step);
        final long computed = System.nanoTime();
        StepTrace.mark("w.computed", step.step(), rank);
        if (!skipAhead && window == 1)
        {
            expectStep(step.step() + 1, weightsDeadlineNs);
        }
        samples += rows;
        computeSeconds += (computed - start) / 1e9;
        final long deadline = System.nanoTime() + setup.settings().sendTimeout().toNanos();
        SendResult result = SendResult.SENT;
        pushedNorm.start(model.gradients());
        for (int shard = 0; shard < outlets.length && result.isSent(); shard++)
        {
            result = pushRange(shard, step.step(), deadline);
        }
        lastPushEndNs = System.nanoTime();
        pushSeconds += (lastPushEndNs - computed) / 1e9;
        final TransportStats transport = setup.plane().stats();
        if (result.isSent())
        {
            new GradientMeta(rows, loss, samples, computeSeconds, pushSeconds, waitSeconds, bytesSent(),
                transport, pushedNorm.squares()).encode(metaView);
            for (int shard = 0; shard < outlets.length && result.isSent(); shard++)
            {
                result = outlets[shard].send(joined.messageId(MessageKind.GRADIENT_META, step.step(), rank,
                    META_WORDS), metaView, deadline);
            }
        }
        StepTrace.mark("w.pushed", step.step(), rank);
        if (result.isSent())
        {
            final long aheadStart = System.nanoTime();
            compute.readAhead(step);
            lastPushEndNs = System.nanoTime();
            computeSeconds += (lastPushEndNs - aheadStart) / 1e9;
        }
        bytesReceived += weightBytesIn + (long)orderWords * Integer.BYTES;
        weightBytesIn = 0;
        return new Pushed(step.step(), rows, loss, result, stats(transport), bytesReceived);
    }

    /** Sends this worker's range of the gradient to one server shard: as float32, or encoded. */
    private SendResult pushRange(final int shard, final long step, final long deadline)
    {
        final MessageId id = joined.rangeId(MessageKind.GRADIENT, step, rank, bounds[shard], length(shard));
        final GradientEncoder encoder = encoders[shard];
        gradientBytesDense += (long)length(shard) * Float.BYTES;
        if (null == encoder)
        {
            gradientBytesWire += (long)length(shard) * Float.BYTES;
            return outlets[shard].send(id, gradientRanges[shard], deadline);
        }
        final int byteOffset = Math.toIntExact(bounds[shard] * Float.BYTES);
        if (encoder.encodesInPieces())
        {
            gradientBytesWire += encoder.maxEncodedBytes();
            return pushInPieces(outlets[shard], id.withCompression(encoder.compression()), encoder, byteOffset,
                encodedRanges[shard], deadline);
        }
        final int bytes = encoder.encode(gradientView, byteOffset, encodedRanges[shard]);
        pushedNorm.add(encodedRanges[shard], 0, bytes, length(shard));
        gradientBytesWire += bytes;
        return outlets[shard].send(id.withCompression(encoder.compression()), encodedRanges[shard], bytes, deadline);
    }

    /**
     * Sends a range whose encoding has a place per value (fp16, bf16) while encoding it: each piece of
     * {@link #PIECE_VALUES} is encoded and made {@link Outlet#ready ready}, and the outlet takes what it can before the
     * next piece is encoded, so only the first piece's encoding delays the first chunk and the rest overlaps the wire.
     * The bytes sent are those of a whole encoding, chunk for chunk.
     */
    private SendResult pushInPieces(
        final Outlet outlet, final MessageId id, final GradientEncoder encoder, final int byteOffset,
        final UnsafeBuffer encoded, final long deadline)
    {
        final int values = encoder.floats();
        outlet.begin(id, encoded, encoder.maxEncodedBytes(), deadline, null);
        outlet.ready(0);
        for (int from = 0; from < values; from += PIECE_VALUES)
        {
            final int to = Math.min(values, from + PIECE_VALUES);
            encoder.encode(gradientView, byteOffset, encoded, from, to);
            outlet.ready(encoder.bytesFor(to));
            final SendResult result = outlet.progress();
            // While the chunks just offered go out.
            pushedNorm.add(encoded, encoder.bytesFor(from), encoder.bytesFor(to), to - from);
            if (result != SendResult.PENDING)
            {
                // Done (the last piece) or failed: a failure ends the message, whatever is not encoded yet.
                return result;
            }
        }
        pushIdle.reset();
        while (true)
        {
            final long before = outlet.bytesSent();
            final SendResult result = outlet.progress();
            if (result != SendResult.PENDING)
            {
                return result;
            }
            pushIdle.idle(outlet.bytesSent() == before ? 0 : 1);
        }
    }

    /** @return gradient bytes pushed so far as float32 (before compression); compute thread. */
    long gradientBytesDense()
    {
        return gradientBytesDense;
    }

    /** @return gradient bytes pushed so far on the wire (after compression); compute thread. */
    long gradientBytesWire()
    {
        return gradientBytesWire;
    }

    /** @return the encoders of the current join, by server shard (null entries: float32); compute thread. */
    GradientEncoder[] encoders()
    {
        return encoders.clone();
    }

    private WorkerStats stats(final TransportStats transport)
    {
        return new WorkerStats(rank, host, NodeInfo.pid(), samples, computeSeconds, pushSeconds, waitSeconds,
            bytesSent(), transport);
    }

    /** @return bytes sent to the server since this worker started, through every outlet it had. */
    private long bytesSent()
    {
        long sent = sentBefore;
        for (final Outlet each : outlets)
        {
            sent += each.bytesSent();
        }
        return sent;
    }

    @Override
    public void close()
    {
        closeOutlets();
    }
}
