package io.descent.cluster.server;

import io.descent.cluster.GradientCodecs;
import io.descent.cluster.GradientCompression;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.checkpoint.ShardCheckpoints;
import io.descent.cluster.dataplane.Buffers;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.dataplane.FanOutSender;
import io.descent.cluster.dataplane.Outlet;
import io.descent.cluster.plan.ServerShardPlan;
import io.descent.cluster.protocol.GradientMeta;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.trace.StepTrace;
import io.descent.data.ExampleSource;
import io.descent.nn.Model;
import io.descent.nn.error.BadInputException;
import io.descent.nn.optim.Finite;
import io.descent.nn.optim.Optimizer;
import io.descent.nn.optim.OptimizerSettings;
import io.descent.train.Evaluator;
import io.descent.train.Metrics;
import io.descent.transport.codec.Compression;
import io.descent.transport.codec.GradientDecoder;
import io.descent.transport.codec.GradientEncoder;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parameter server's ND4J state, confined to its compute thread: the weights (the model's flat parameters),
 * the optimizer, one gradient buffer (and one report buffer) per rank that the data plane writes into, and one outlet
 * per worker. Sums gradients in rank order weighted by example count ({@code Σ n_k g_k / Σ n_k}) as they arrive, runs the optimizer,
 * publishes weights with each worker's order, evaluates. Not thread-safe: every method runs on the compute thread.
 *
 * <p>With parameter-server shards ({@code descent.cluster.servers = S > 1}) the engine holds one range of the
 * weights ({@link ServerShardPlan}) and its optimizer state in a vector of its own, receives that range of each
 * gradient, and publishes that range; only the coordinator (shard 0) sends step orders, and it gathers the other
 * shards' ranges into its model at epoch ends ({@link #expectRanges}, {@link #installRanges}) to evaluate and to
 * hand over the final weights. With one server the range is the whole vector and the model's own parameters.
 *
 * <p>With gradient compression ({@code descent.cluster.compression}) each rank's encoded range lands in a buffer of
 * its own and {@link #fold} decodes it straight into the step's sum ({@link GradientDecoder}); the traffic is counted
 * in {@link #traffic()}.
 *
 * <p>With threshold-coded weights ({@code weight-compression = threshold}) the engine keeps the copy of its range every
 * worker holds ({@link WeightShadow}) and which ranks hold it: a rank gets the shadow whole as float32 the first time
 * it is sent a version after it connected (the job's start, a join, a server restart), and each later version's coded
 * change, which it adds in; a rank left out of a version's orders no longer holds it.
 *
 * <p>With ssp or async pipelined ({@link io.descent.cluster.Consistency#window}: two steps ordered per rank) a rank's
 * gradient of step t + 1 can land before its gradient of t is applied, and its order of t + 2 goes out while the copy
 * of t + 1 may still be in flight: each rank's gradient, report, order and weights copy have a buffer per step parity
 * (a <em>slot</em>); otherwise one.
 */
final class ServerEngine implements AutoCloseable
{
    private static final int META_WORDS = GradientMeta.BYTES / Integer.BYTES;
    /** Each rank's publication: the weights, then its order. */
    private static final int MESSAGES_PER_STEP = 2;
    /**
     * How long {@link #publish} goes on when every send left is back-pressured before it leaves them to the idle
     * loop: far longer than a healthy peer's pause between flow-control updates (so its weights are out before the
     * compute thread turns to an evaluation), far shorter than any step timeout.
     */
    static final long PUBLISH_STALL_NS = 100_000_000L;
    /** Values of the weights encoded per piece while the first pieces are sent ({@link #encodeWhileSending}). */
    static final int ENCODE_PIECE_VALUES = 32 * 1024;

    private final ServerSetup setup;
    private final Model model;
    private final Optimizer optimizer;
    private final Evaluator evaluator;
    private final JobIdentity identity;
    /** Buffers per rank: 1, or 2 (by step parity) when ssp or async is pipelined. */
    private final int slots;
    /** By slot, then rank: where its gradient lands (float32) and the sum is folded (sync, backup: slot 0). */
    private final INDArray[][] gradients;
    private final UnsafeBuffer[][] gradientViews;
    private final UnsafeBuffer weightsView;
    private final UnsafeBuffer[][] metaViews;
    private final UnsafeBuffer[][] orderViews;
    private final int orderWords;
    private final Outlet[] outlets;
    private final FanOutSender sends;
    /** The floats of this shard's range (the whole vector for one server). */
    private final int floats;
    private final ShardRole role;
    private final ServerShardPlan shardPlan;
    private final long offset;
    /** This shard's range of the weights: the model's parameters for one server, else a vector of its own. */
    private final INDArray params;
    /** The coordinator's two landing buffers (by version parity) for the other shards' ranges, else null. */
    private final UnsafeBuffer[] staging;
    /** A follower's outlet to the coordinator (its range at epoch ends), else null. */
    private Outlet coordinator;
    private int coordinatorSession;
    private final Checkpoint resumed;
    /** The clip norm this engine applies to its range by the global norm (shards only), else 0. */
    private final double maxNorm;
    private long clippedSteps;
    /** ssp/async: by slot and rank, its own copy of the weights it was sent (allocated when first needed). */
    private final UnsafeBuffer[][] copies;
    private INDArray sum;
    private UnsafeBuffer sumView;
    private double updateSeconds;
    /** How gradients arrive ({@code descent.cluster.compression}). */
    private final GradientCompression compression;
    /** Adds an encoded range into the sum, or null for float32 gradients (summed by BLAS). */
    private final GradientDecoder decoder;
    /** How this engine's data plane authenticates chunks (a follower shard set to {@code auto}: the coordinator's). */
    private final ChunkAuth dataPlane;
    /**
     * Encodes each published version of this range ({@code weight-compression} fp16 or bf16), or null to publish
     * float32 or threshold-coded changes ({@link #shadow}).
     */
    private final GradientEncoder weightsEncoder;
    /** Threshold weights: the copy every worker holds and the coding of each version's change, else null. */
    private final WeightShadow shadow;
    /** Threshold weights, by rank: true once it was sent a version since it connected (it holds the shadow). */
    private final boolean[] holdsShadow;
    /** Told of each published version (tests watch it). */
    private JobObserver.Published onPublished = (version, master, held) -> { };
    /** The published version of this range as encoded, the same bytes for every worker (sync), or null. */
    private final UnsafeBuffer weightsEncoded;
    /** By slot and rank, where its encoded gradient lands (compressed only), and its length once arrived. */
    private final UnsafeBuffer[][] encodedViews;
    private final int[][] encodedLengths;
    private final GradientTraffic traffic;

    /** Builds the model (initial weights from the job seed) and, when resuming, restores the last checkpoint. */
    ServerEngine(final ServerSetup setup)
    {
        this.setup = setup;
        this.model = Model.create(setup.spec(), setup.job().seed());
        this.role = setup.role();
        this.shardPlan = shardPlan(setup, model.parameterCount());
        this.offset = shardPlan.offset(role.shard());
        this.floats = shardPlan.length(role.shard());
        if (shardPlan.shards() == 1)
        {
            this.params = model.parameters();
        }
        else
        {
            // Its own contiguous vector: the optimizer's BLAS calls and the weights' view see a buffer of their own.
            this.params = Nd4j.create(model.dataType(), floats);
            Buffers.view(params).putBytes(0, Buffers.range(model.parameters(), offset, floats), 0,
                floats * Float.BYTES);
        }
        this.staging = shardPlan.shards() > 1 && role.coordinates() ? new UnsafeBuffer[]{
            new UnsafeBuffer(ByteBuffer.allocateDirect(Math.toIntExact(shardPlan.floats() * Float.BYTES))),
            new UnsafeBuffer(ByteBuffer.allocateDirect(Math.toIntExact(shardPlan.floats() * Float.BYTES)))} : null;
        // With shards the engine clips its range by the global norm (clipByGlobalNorm); one server's optimizer clips.
        final OptimizerSettings hyper = setup.job().train().optimizer();
        this.maxNorm = shardPlan.shards() > 1 ? hyper.clipNorm() : 0.0;
        this.optimizer = (maxNorm > 0.0 ? hyper.withoutClipping() : hyper).create(
            params, setup.plan().stepsPerEpoch(), setup.plan().epochs());
        this.evaluator = new Evaluator(model, setup.job().train().loss(), setup.job().train().evalBatchSize());
        // A nonce per start: data of an earlier start of this server never passes for this one's.
        this.identity = JobIdentity.of(model.fingerprint(), setup.job().raw())
            .withIncarnation(role.coordinates() ? JobIdentity.newIncarnation() : role.incarnation());
        final ChunkAuth auth = setup.settings().dataPlane(role.dataPlane());
        this.dataPlane = auth;
        if (auth.authenticates())
        {
            setup.plane().authenticate(auth,
                setup.settings().key().dataPlaneKey(identity.incarnation(), DataPlaneAuth.KEY_LABEL));
        }
        final int ranks = setup.plan().shards();
        this.slots = setup.settings().consistency().window(shardPlan.shards());
        this.orderWords = StepOrder.ints(ranks);
        this.gradients = new INDArray[slots][ranks];
        this.gradientViews = new UnsafeBuffer[slots][ranks];
        this.metaViews = new UnsafeBuffer[slots][ranks];
        this.orderViews = new UnsafeBuffer[slots][ranks];
        this.compression = setup.settings().compression();
        this.decoder = GradientCodecs.decoder(compression);
        this.encodedViews = new UnsafeBuffer[slots][ranks];
        this.encodedLengths = new int[slots][ranks];
        final int encodedCapacity = null == decoder ? 0 :
            GradientCodecs.encoder(compression, floats).maxEncodedBytes();
        for (int slot = 0; slot < slots; slot++)
        {
            for (int rank = 0; rank < ranks; rank++)
            {
                gradients[slot][rank] = Nd4j.create(model.dataType(), floats);
                gradientViews[slot][rank] = Buffers.view(gradients[slot][rank]);
                metaViews[slot][rank] = new UnsafeBuffer(ByteBuffer.allocateDirect(GradientMeta.BYTES));
                orderViews[slot][rank] = new UnsafeBuffer(ByteBuffer.allocateDirect(orderWords * Integer.BYTES));
                encodedViews[slot][rank] = null == decoder ? null :
                    new UnsafeBuffer(ByteBuffer.allocateDirect(encodedCapacity));
            }
        }
        this.weightsView = Buffers.view(params);
        this.traffic = new GradientTraffic(compression.compression(), compression.weights());
        this.shadow = compression.weightsAsDeltas() ? new WeightShadow(compression, params) : null;
        this.holdsShadow = new boolean[ranks];
        this.weightsEncoder = null == shadow ? GradientCodecs.weightsEncoder(compression, floats) : null;
        this.weightsEncoded = null == weightsEncoder ? null :
            new UnsafeBuffer(ByteBuffer.allocateDirect(weightsEncoder.maxEncodedBytes()));
        this.outlets = new Outlet[ranks];
        this.copies = new UnsafeBuffer[slots][ranks];
        this.sends = new FanOutSender(ranks, MESSAGES_PER_STEP * slots, SystemNanoClock.INSTANCE);
        this.resumed = restore(setup, ranks);
    }

    /**
     * Restores the checkpoint to resume from, if any: one server's newest; with shards, this shard's part of the
     * newest checkpoint every shard completed (the coordinator finds it, the others load the step it names), after
     * deleting this part's newer, incomplete ones when new checkpoints go to the same directory.
     *
     * @return the checkpoint's metadata, or null for a fresh start.
     * @throws BadInputException when the checkpoints are another job's, another shard count's, or damaged, or when a
     *                           shard and its coordinator disagree on resuming.
     */
    private Checkpoint restore(final ServerSetup setup, final int ranks)
    {
        final int shards = shardPlan.shards();
        if (!role.coordinates() && setup.resume().isPresent() != role.resumeStep() >= 0)
        {
            throw new BadInputException(role.resumeStep() >= 0 ? "the coordinator resumed from the checkpoint of " +
                "step " + role.resumeStep() + ": start server shard " + role.shard() + " with --resume DIR too" :
                "server shard " + role.shard() + " was started with --resume, its coordinator (shard 0) without: " +
                "start every shard with --resume DIR, or none");
        }
        if (setup.resume().isEmpty())
        {
            return null;
        }
        final Path dir = setup.resume().get();
        ShardCheckpoints.checkShardCount(dir, shards);
        if (shards == 1)
        {
            return CheckpointStore.restoreLatest(dir, identity, ranks, stateVectors());
        }
        final long step = role.coordinates() ? ShardCheckpoints.latestComplete(dir, shardPlan.bounds()) :
            role.resumeStep();
        final Path part = ShardCheckpoints.part(dir, role.shard(), shards);
        ShardCheckpoints.writeLayout(part, role.shard(), shardPlan.bounds());
        final Path from = CheckpointStore.stepDir(part, step);
        if (!Files.isRegularFile(from.resolve("meta.kryo")))
        {
            throw new BadInputException("--resume " + dir + ": server shard " + role.shard() + " has no part of the " +
                "checkpoint of step " + step + " in " + part + " (every shard must resume from the same directory)");
        }
        final Checkpoint checkpoint = CheckpointStore.restore(from, identity, ranks, stateVectors());
        if (setup.settings().checkpoints().dir().map(d -> d.toAbsolutePath().normalize()
            .equals(dir.toAbsolutePath().normalize())).orElse(false))
        {
            CheckpointStore.deleteAfter(part, step);
        }
        return checkpoint;
    }

    /**
     * @return the coordinator's cut of the parameter vector from the settings, or the bounds a follower was told.
     * @throws BadInputException when the model is too small for the servers asked for.
     */
    private static ServerShardPlan shardPlan(final ServerSetup setup, final long parameters)
    {
        if (!setup.role().coordinates())
        {
            return ServerShardPlan.ofBounds(setup.role().bounds());
        }
        final int servers = setup.settings().servers();
        final ServerShardPlan plan = ServerShardPlan.of(parameters, servers, setup.settings().shardMinBytes());
        if (plan.shards() < servers)
        {
            throw new BadInputException("descent.cluster.servers = " + servers + ": the model's " + parameters +
                " parameters (" + parameters * Float.BYTES / 1024 + " KiB) make only " + plan.shards() + " range(s) " +
                "of at least descent.cluster.shard-min-bytes = " + setup.settings().shardMinBytes() + " bytes; " +
                "start at most " + plan.shards() + " server(s)");
        }
        return plan;
    }

    JobIdentity identity()
    {
        return identity;
    }

    /** @return how the parameter vector is cut over the server shards (one range for one server). */
    ServerShardPlan shardPlan()
    {
        return shardPlan;
    }

    /** @return the checkpoint the engine resumed from, or null. */
    Checkpoint resumed()
    {
        return resumed;
    }

    /** @return the first step to compute: 0, or the checkpoint's next step. */
    long startStep()
    {
        return null == resumed ? 0 : resumed.step();
    }

    /**
     * Opens the outlet to a worker's data plane.
     *
     * @param sessionId the Aeron session to send on (the worker binds the server to it), or 0 for any.
     * @return null when it is open, else why it could not be opened (one line naming the endpoint): e.g. its host no
     * longer resolves. Then the rank has no outlet.
     */
    String connect(final int rank, final String endpoint, final int sessionId)
    {
        disconnect(rank);
        holdsShadow[rank] = false;
        try
        {
            outlets[rank] = setup.plane().outlet(endpoint, sessionId);
            return null;
        }
        catch (final RuntimeException ex)
        {
            return "cannot open the data plane to the worker's endpoint '" + endpoint + "': " + ex.getMessage();
        }
    }

    /** Closes the outlet to a worker, if open, abandoning what it still had to send. */
    void disconnect(final int rank)
    {
        sends.abandon(rank);
        holdsShadow[rank] = false;
        if (null != outlets[rank])
        {
            outlets[rank].close();
            outlets[rank] = null;
        }
    }

    /**
     * Cancels the gradients and reports still expected from a rank (dropped): once this returns, nothing that rank's
     * process still sends is written into its buffers, which a replacement on the same rank may fill (or hold the
     * running sum in, see {@link #fold}); what it sends later counts as late.
     *
     * @return how many expected messages were cancelled.
     */
    int cancelGradients(final int rank)
    {
        return setup.plane().cancelFrom(rank);
    }

    /** Told on a data-plane thread when a rank's gradient report of a step arrived: keep it short. */
    @FunctionalInterface
    interface MetaArrival
    {
        /**
         * @param step the step.
         * @param rank the worker's rank.
         * @param meta the report, or null when it did not arrive complete before the deadline.
         */
        void onMeta(long step, int rank, GradientMeta meta);
    }

    /** Expects each rank's gradient of {@code step} into its buffer, and the report that follows it. */
    void expectGradients(
        final long step, final int[] ranks, final long deadlineNs, final DataPlane.Arrival arrival,
        final MetaArrival metas)
    {
        final int slot = slot(step);
        for (final int rank : ranks)
        {
            final int into = rank;
            setup.plane().expect(gradientId(step, rank), null == decoder ? gradientViews[slot][rank] :
                encodedViews[slot][rank],
                deadlineNs, new DataPlane.Arrival()
                {
                    @Override
                    public void onArrival(final MessageId arrived, final boolean complete)
                    {
                        onArrival(arrived, complete, -1);
                    }

                    @Override
                    public void onArrival(final MessageId arrived, final boolean complete, final int bytes)
                    {
                        // Written before the step loop hears of the arrival, read after: ordered as the bytes are.
                        encodedLengths[slot][into] = complete && bytes >= 0 ? bytes : expectedBytes();
                        StepTrace.mark("s.data", arrived.step(), arrived.senderId());
                        arrival.onArrival(arrived, complete);
                    }
                });
            final UnsafeBuffer meta = metaViews[slot][rank];
            setup.plane().expect(identity.messageId(MessageKind.GRADIENT_META, step, rank, META_WORDS), meta,
                deadlineNs, (arrived, complete) ->
                    metas.onMeta(arrived.step(), arrived.senderId(), complete ? GradientMeta.decode(meta) : null));
        }
    }

    /** @return the buffers of {@code step}: its parity when two steps are ordered per rank, else 0. */
    private int slot(final long step)
    {
        return slots == 1 ? 0 : (int)(step & 1);
    }

    /** @return the identity of a rank's range of its gradient of {@code step}, in the job's encoding. */
    private MessageId gradientId(final long step, final int rank)
    {
        return identity.rangeId(MessageKind.GRADIENT, step, rank, offset, floats).withCompression(
            compression.compression());
    }

    /** @return the length of a gradient range in a fixed-width encoding (float32, fp16, bf16), else -1. */
    private int expectedBytes()
    {
        return compression.compression().isVariableLength() ? -1 : floats * compression.compression().bytesPerValue();
    }

    /**
     * Sends the weights as {@code version} to each ordered rank, each followed by its order for that step, to all
     * ranks at once ({@link FanOutSender}): a back-pressured rank never delays another's. Returns once every send is
     * done, or once the ones left made no progress for {@link #PUBLISH_STALL_NS}; those go on in
     * {@link #progressSends} (the compute thread's idle work) until done, failed at the send deadline, or abandoned
     * when their rank is dropped ({@link #abandonSends}). The weights must not change before they are done
     * ({@link #apply} fails what is left).
     *
     * @return the ranks whose send failed by now, with the reason, e.g. {@code [1]} and {@code "CLOSED"}.
     */
    List<String> publish(final long version, final List<StepLoop.Order> orders, final List<Integer> failedRanks)
    {
        return publish(version, orders, failedRanks, false);
    }

    /**
     * As {@link #publish}, for {@code ssp} and {@code async}, where the weights change with every applied gradient
     * while copies are still going out: each rank is sent a copy of its own, taken now, so an update never has to
     * fail or wait for a send in flight ({@link #applyOne}).
     */
    List<String> publishCopies(final long version, final List<StepLoop.Order> orders, final List<Integer> failedRanks)
    {
        return publish(version, orders, failedRanks, true);
    }

    private List<String> publish(
        final long version, final List<StepLoop.Order> orders, final List<Integer> failedRanks, final boolean copy)
    {
        final List<String> reasons = new ArrayList<>();
        final long deadline = System.nanoTime() + setup.settings().sendTimeout().toNanos();
        MessageId weights = identity.rangeId(MessageKind.WEIGHTS, version, SenderId.server(role.shard()), offset,
            floats);
        DirectBuffer shared = weightsView;
        final MessageId full = weights;
        int changeBytes = -1;
        if (null != shadow)
        {
            if (copy)
            {
                throw new IllegalStateException("threshold-coded weights need one copy every worker holds: " +
                    "refused with ssp and async by the settings");
            }
            changeBytes = advanceShadow(orders);
            weights = weights.withCompression(Compression.THRESHOLD);
            shared = shadow.encoded();
        }
        else if (null != weightsEncoder)
        {
            weights = weights.withCompression(weightsEncoder.compression());
            if (!copy && !orders.isEmpty())
            {
                // Once per version: every worker gets the same bytes (and one MAC per chunk, FanOutSender), encoded
                // in pieces below while the first pieces are already going out.
                shared = weightsEncoded;
                if (weightsEncoder.encodesInPieces())
                {
                    sends.writing(weightsEncoded, 0);
                }
                else
                {
                    weightsEncoder.encode(weightsView, 0, weightsEncoded);
                }
            }
        }
        final MessageId order = identity.messageId(MessageKind.STEP_ORDER, version, SenderId.SERVER, orderWords);
        for (final StepLoop.Order next : orders)
        {
            final int rank = next.rank();
            final Outlet outlet = outlets[rank];
            if (null == outlet)
            {
                failedRanks.add(rank);
                reasons.add(SendResult.CLOSED.name());
                continue;
            }
            if (slots == 1)
            {
                // A rank is ordered again only once it delivered, so after its last sends were done: none is left.
                sends.abandon(rank);
            }
            // Else (pipelined) the rank's copy of the step before may still be going out, from its own slot; the one
            // before that is out in full: the rank computed on it before it delivered the gradient that ordered this.
            final UnsafeBuffer orderView = orderViews[slot(version)][rank];
            next.order().encode(orderView);
            if (null == shadow)
            {
                sends.add(rank, outlet, weights, copy ? copyOfWeights(slot(version), rank) : shared, deadline);
                traffic.addWeights(floats, weights.byteLength());
            }
            else if (holdsShadow[rank] && changeBytes >= 0)
            {
                sends.add(rank, outlet, weights, shared, changeBytes, deadline);
                traffic.addWeights(floats, changeBytes);
            }
            else
            {
                // Its first version since it connected: the shadow whole, which the changes after it go on from.
                sends.add(rank, outlet, full, shadow.shadow(), deadline);
                traffic.addFullWeights(floats);
                holdsShadow[rank] = true;
            }
            if (role.coordinates())
            {
                sends.add(rank, outlet, order, orderView, deadline);
            }
        }
        if (shared == weightsEncoded && weightsEncoder.encodesInPieces())
        {
            encodeWhileSending();
        }
        onPublished.onPublished(version, weightsView, null == shadow ? weightsView : shadow.shadow());
        sends.flush(PUBLISH_STALL_NS);
        sends.collectFailures((rank, id, why) ->
        {
            failedRanks.add(rank);
            reasons.add(why.name());
        });
        return reasons;
    }

    /**
     * Encodes this version's weights ({@code weight-compression} fp16 or bf16) a piece at a time into the buffer every
     * ordered rank's send reads, letting the sends take each piece as soon as it is written ({@link
     * FanOutSender#writing}): the first chunks leave after one piece's encoding instead of the whole vector's.
     */
    private void encodeWhileSending()
    {
        for (int from = 0; from < floats; from += ENCODE_PIECE_VALUES)
        {
            final int to = Math.min(floats, from + ENCODE_PIECE_VALUES);
            weightsEncoder.encode(weightsView, 0, weightsEncoded, from, to);
            sends.writing(weightsEncoded, weightsEncoder.bytesFor(to));
            sends.progress();
        }
        sends.writing(weightsEncoded, Integer.MAX_VALUE);
    }

    /**
     * Threshold weights: a rank not ordered this version stops holding the shadow (it would miss this change); then
     * the shadow takes this version's change, or starts again from the master when no ordered rank holds it.
     *
     * @return the change's coded bytes, or -1 when the shadow started again (every rank gets it whole).
     */
    private int advanceShadow(final List<StepLoop.Order> orders)
    {
        final boolean[] ordered = new boolean[holdsShadow.length];
        for (final StepLoop.Order next : orders)
        {
            ordered[next.rank()] = true;
        }
        boolean anyHolds = false;
        for (int rank = 0; rank < holdsShadow.length; rank++)
        {
            holdsShadow[rank] &= ordered[rank];
            anyHolds |= holdsShadow[rank];
        }
        final int bytes = shadow.advance(params, anyHolds);
        if (bytes >= 0)
        {
            traffic.addWeightChange(floats, shadow.valuesSent(), shadow.tau());
        }
        return bytes;
    }

    /** Sets what is told of each published version ({@link JobObserver#onWeightsPublished}), on the compute thread. */
    void onPublished(final JobObserver.Published listener)
    {
        onPublished = listener;
    }

    /** @return rank's own copy in {@code slot} of the weights as they are now, encoded as they are published. */
    private UnsafeBuffer copyOfWeights(final int slot, final int rank)
    {
        if (null == copies[slot][rank])
        {
            copies[slot][rank] = new UnsafeBuffer(ByteBuffer.allocateDirect(null == weightsEncoder ?
                floats * Float.BYTES : weightsEncoder.maxEncodedBytes()));
        }
        final UnsafeBuffer copy = copies[slot][rank];
        if (null == weightsEncoder)
        {
            copy.putBytes(0, weightsView, 0, floats * Float.BYTES);
        }
        else
        {
            weightsEncoder.encode(weightsView, 0, copy);
        }
        return copy;
    }

    /** Told of a send that failed after {@link #publish} returned. */
    @FunctionalInterface
    interface LateFailure
    {
        /**
         * @param rank    the worker's rank.
         * @param version the weights version whose send failed.
         * @param reason  why, e.g. {@code "DEADLINE_BACK_PRESSURED"}.
         */
        void onFailed(int rank, long version, String reason);
    }

    /**
     * One round of the sends {@link #publish} left in flight; the compute thread's idle work.
     *
     * @param late told of each send that failed now (a rank to drop).
     * @return the ranks that made progress (0: nothing to do, or all back-pressured).
     */
    int progressSends(final LateFailure late)
    {
        final int work = sends.progress();
        if (sends.failedPeers() > 0)
        {
            sends.collectFailures((rank, id, why) -> late.onFailed(rank, id.step(), why.name()));
        }
        return work;
    }

    /** @return how many ranks still have weights or an order in flight ({@link #apply} would fail them). */
    int sendsInFlight()
    {
        return sends.busyPeers();
    }

    /** Gives up what is still to be sent to a rank (it was dropped); no failure is reported for it. */
    void abandonSends(final int rank)
    {
        sends.abandon(rank);
    }

    /**
     * Adds one rank's gradient to the step's sum: {@code sum += weight · g_rank}. The first rank folded in a step
     * becomes the sum, in place in its own buffer (scaled unless its weight is 1), so the sum costs one pass per
     * gradient and none for a single worker. Call it for the step's ranks in increasing order, the first one with
     * {@code first = true}. Sync and backup only: their ranks have one slot.
     */
    void fold(final int rank, final double weight, final boolean first)
    {
        final long start = System.nanoTime();
        StepTrace.mark("s.fold", -1, rank);
        if (null != decoder)
        {
            // Decoded straight into the sum: the first rank's buffer becomes it, the others add into it.
            if (first)
            {
                sum = gradients[0][rank];
                sumView = gradientViews[0][rank];
            }
            decode(0, rank, sumView, weight, first);
            updateSeconds += (System.nanoTime() - start) / 1e9;
            return;
        }
        traffic.add(floats, (long)floats * Float.BYTES, floats, Double.NaN);
        final Level1 blas = Nd4j.getBlasWrapper().level1();
        final INDArray gradient = gradients[0][rank];
        if (first)
        {
            sum = gradient;
            if (weight != 1.0)
            {
                blas.scal(floats, weight, sum);
            }
        }
        else
        {
            // Scaled in its own buffer, then added with α = 1: round(sum + round(w·g)) at every position, as a shard's
            // range must be (BLAS's fused axpy rounds differently in its blocks' remainders: see Axpy).
            if (weight != 1.0)
            {
                blas.scal(floats, weight, gradient);
            }
            blas.axpy(floats, 1.0, gradient, sum);
        }
        updateSeconds += (System.nanoTime() - start) / 1e9;
    }

    /** Adds (or with {@code first} writes) {@code weight} times rank's encoded gradient in a slot into {@code into}. */
    private void decode(final int slot, final int rank, final UnsafeBuffer into, final double weight,
        final boolean first)
    {
        final UnsafeBuffer encoded = encodedViews[slot][rank];
        final int bytes = encodedLengths[slot][rank];
        if (!decoder.accumulate(encoded, bytes, into, floats, (float)weight, first))
        {
            throw new IllegalStateException("rank " + rank + "'s " + compression.label() + " gradient of " + bytes +
                " bytes does not decode into the server's range of " + floats + " floats (offset " + offset +
                "): a sender's encoding bug, the chunks themselves verified");
        }
        traffic.add(floats, bytes, decoder.valuesSent(encoded, bytes, floats), decoder.tau(encoded, bytes));
    }

    /**
     * One synchronous update on the folded sum: scales it by {@code correction} (1 unless a worker was lost before
     * delivering, see {@link StepBarrier#correction()}), checks that it is finite (one BLAS pass, {@link Finite}),
     * then runs the optimizer.
     *
     * @return the learning rate used, or NaN when the sum is not finite: then nothing was applied.
     */
    double apply(final long step, final double correction)
    {
        final long start = System.nanoTime();
        // Only a dropped rank (abandoned) can still have a send in flight here; none may read the weights changing.
        sends.failBusy(SendResult.ABANDONED);
        if (correction != 1.0)
        {
            Nd4j.getBlasWrapper().level1().scal(floats, correction, sum);
        }
        final double rate = Finite.all(sum) ? optimizer.step(params, sum, step) : Double.NaN;
        sum = null;
        updateSeconds += (System.nanoTime() - start) / 1e9;
        return rate;
    }

    /**
     * @return true when the update needs the global norm of the step's gradient across the parameter-server shards
     * (gradient-norm clipping with shards): then {@link #rangeSquares} and {@link #applyClipped} replace
     * {@link #apply}.
     */
    boolean clipsByGlobalNorm()
    {
        return maxNorm > 0.0;
    }

    /**
     * The first half of an update clipped by the global norm: scales the folded sum by {@code correction} (as
     * {@link #apply} does) and returns the squared L2 norm of this range of it, this shard's part of the global norm.
     *
     * @return the range's squared norm; not finite when the range is not.
     */
    double rangeSquares(final double correction)
    {
        final long start = System.nanoTime();
        final Level1 blas = Nd4j.getBlasWrapper().level1();
        if (correction != 1.0)
        {
            blas.scal(floats, correction, sum);
        }
        final double norm = blas.nrm2(sum);
        updateSeconds += (System.nanoTime() - start) / 1e9;
        return norm * norm;
    }

    /**
     * The second half: scales this range of the corrected sum by {@code clip-norm / ‖g‖} when the global norm
     * {@code ‖g‖ = √squares} exceeds it (the factor a single server applies to the whole vector), checks the range
     * is finite and runs the optimizer (which does not clip again).
     *
     * @param squares the global squared norm: the sum of every shard's {@link #rangeSquares} in shard order.
     * @return the learning rate used, or NaN when the global norm or the range is not finite: nothing was applied.
     */
    double applyClipped(final long step, final double squares)
    {
        final long start = System.nanoTime();
        sends.failBusy(SendResult.ABANDONED);
        final double norm = Math.sqrt(squares);
        double rate = Double.NaN;
        if (Double.isFinite(norm) && Finite.all(sum))
        {
            clippedSteps += Optimizer.clipTo(sum, norm, maxNorm) ? 1 : 0;
            rate = optimizer.step(params, sum, step);
        }
        sum = null;
        updateSeconds += (System.nanoTime() - start) / 1e9;
        return rate;
    }

    /**
     * One update from one rank's gradient alone ({@code ssp}, {@code async}): scales it by {@code weight} (its share
     * of the examples of a whole step, so that it moves the weights as its part of the averaged update would), checks
     * that it is finite, then runs the optimizer. With shards and gradient-norm clipping this range is first clipped
     * by the whole gradient's norm, {@code weight · √squares}, as one server's optimizer clips the whole scaled
     * gradient by its own. Sends in flight are not touched: they go out from copies ({@link #publishCopies}).
     *
     * @param squares the squared norm of the rank's whole gradient as decoded, unscaled, from its report
     *                ({@link GradientMeta#squares()}); read only when {@link #clipsByGlobalNorm()}.
     * @return the learning rate used, or NaN when the gradient (or, clipping, its norm) is not finite: then nothing
     * was applied.
     */
    double applyOne(final int rank, final double weight, final long step, final double squares)
    {
        final long start = System.nanoTime();
        final int slot = slot(step);
        final INDArray gradient = gradients[slot][rank];
        if (null != decoder)
        {
            decode(slot, rank, gradientViews[slot][rank], weight, true);
        }
        else
        {
            traffic.add(floats, (long)floats * Float.BYTES, floats, Double.NaN);
            if (weight != 1.0)
            {
                Nd4j.getBlasWrapper().level1().scal(floats, weight, gradient);
            }
        }
        double rate = Double.NaN;
        final double norm = weight * Math.sqrt(squares);
        if (Finite.all(gradient) && (maxNorm == 0.0 || Double.isFinite(norm)))
        {
            if (maxNorm > 0.0)
            {
                clippedSteps += Optimizer.clipTo(gradient, norm, maxNorm) ? 1 : 0;
            }
            rate = optimizer.step(params, gradient, step);
        }
        updateSeconds += (System.nanoTime() - start) / 1e9;
        return rate;
    }

    /**
     * @return the steps ({@code sync}, {@code backup}) or gradients ({@code ssp}, {@code async}) this shard's clipping
     * by the global norm scaled down ({@link #applyClipped}, {@link #applyOne}; clipping with shards), else 0.
     */
    long clippedSteps()
    {
        return clippedSteps;
    }

    /** @return true when the weights and the optimizer state hold only finite numbers (a pass over each). */
    boolean stateIsFinite()
    {
        for (final INDArray vector : stateVectors())
        {
            if (!Finite.all(vector))
            {
                return false;
            }
        }
        return true;
    }

    Metrics evaluate(final ExampleSource split)
    {
        return evaluator.evaluate(split);
    }

    /** @return the vectors a checkpoint holds: the weights, then the optimizer's state. */
    List<INDArray> stateVectors()
    {
        final List<INDArray> vectors = new ArrayList<>();
        vectors.add(params);
        vectors.addAll(optimizer.state());
        return vectors;
    }

    /** @return a copy of the weights. */
    float[] weights()
    {
        return model.parameters().toFloatVector();
    }

    int floats()
    {
        return floats;
    }

    Model model()
    {
        return model;
    }

    /** @return this server's cluster settings. */
    io.descent.cluster.ClusterSettings settings()
    {
        return setup.settings();
    }

    /** @return how this engine's data plane authenticates chunks. */
    ChunkAuth dataPlane()
    {
        return dataPlane;
    }

    /** @return data-plane payload bytes this engine has published (weights and orders). */
    long bytesSent()
    {
        return sends.bytesSent();
    }

    double updateSeconds()
    {
        return updateSeconds;
    }

    /** @return this engine's gradient traffic: bytes before and after compression, density, τ (thread-safe reads). */
    GradientTraffic traffic()
    {
        return traffic;
    }

    /** @return the bytes of rank's gradient of {@code step} that arrived last (for the step loop's byte counts). */
    int gradientBytes(final long step, final int rank)
    {
        return null == decoder ? floats * Float.BYTES : encodedLengths[slot(step)][rank];
    }

    /**
     * The coordinator (with shards): expects every other shard's range of weights {@code version} (an epoch's last)
     * into a landing buffer. Call it before those shards can compute that version: when the coordinator publishes the
     * version before it.
     *
     * @param arrival told once, on a data-plane thread, with null when every range arrived, else what did not.
     */
    void expectRanges(final long version, final long deadlineNs, final java.util.function.Consumer<String> arrival)
    {
        final UnsafeBuffer landing = staging[(int)(version & 1)];
        final AtomicInteger left = new AtomicInteger(shardPlan.shards() - 1);
        for (int shard = 1; shard < shardPlan.shards(); shard++)
        {
            final long at = shardPlan.offset(shard);
            final int length = shardPlan.length(shard);
            final int from = shard;
            setup.plane().expect(identity.rangeId(MessageKind.WEIGHTS, version, SenderId.server(shard), at, length),
                new UnsafeBuffer(landing, Math.toIntExact(at * Float.BYTES), length * Float.BYTES), deadlineNs,
                (id, complete) ->
                {
                    if (!complete)
                    {
                        arrival.accept("the range of server shard " + from + " of weights version " + id.step());
                    }
                    else if (left.decrementAndGet() == 0)
                    {
                        arrival.accept(null);
                    }
                });
        }
    }

    /**
     * The coordinator (with shards): puts weights {@code version} together in the model, for evaluation and the
     * final weights: its own range, and the other shards' from their landing buffer ({@link #expectRanges}).
     * Nothing for one server: the model's parameters are its range.
     */
    void installRanges(final long version)
    {
        if (shardPlan.shards() == 1)
        {
            return;
        }
        final UnsafeBuffer all = Buffers.view(model.parameters());
        final UnsafeBuffer landing = staging[(int)(version & 1)];
        final int own = Math.toIntExact(offset * Float.BYTES);
        final int ownEnd = own + floats * Float.BYTES;
        all.putBytes(0, landing, 0, own);
        all.putBytes(own, weightsView, 0, floats * Float.BYTES);
        all.putBytes(ownEnd, landing, ownEnd, all.capacity() - ownEnd);
    }

    /**
     * The coordinator (with shards, under ssp/async): copies its own range as it is now into the landing buffer of
     * weights {@code version} (an epoch's last), where the other shards' ranges of that moment land, so the range may
     * go on changing before they are in ({@link #installStaged}).
     */
    void stageRange(final long version)
    {
        staging[(int)(version & 1)].putBytes(Math.toIntExact(offset * Float.BYTES), weightsView, 0,
            floats * Float.BYTES);
    }

    /**
     * The coordinator (with shards, under ssp/async): puts weights {@code version} together in the model from its
     * landing buffer, every range included ({@link #stageRange}, {@link #expectRanges}), to evaluate them.
     */
    void installStaged(final long version)
    {
        final UnsafeBuffer all = Buffers.view(model.parameters());
        all.putBytes(0, staging[(int)(version & 1)], 0, all.capacity());
    }

    /**
     * A follower shard: sends its range of weights {@code version} (an epoch's last) to the coordinator, on this
     * thread, before the range can change.
     *
     * @return how the send ended.
     */
    SendResult sendRange(final long version)
    {
        if (null == coordinator)
        {
            coordinator = setup.plane().outlet(role.coordinatorEndpoint(), coordinatorSession);
        }
        return coordinator.send(identity.rangeId(MessageKind.WEIGHTS, version, SenderId.server(role.shard()), offset,
            floats), weightsView, System.nanoTime() + setup.settings().sendTimeout().toNanos());
    }

    /**
     * A follower shard: the session its ranges go to the coordinator on (the coordinator binds this shard's sender
     * id to it while authenticating), before the first {@link #sendRange}.
     *
     * @param session the session, 0 for any.
     */
    void coordinatorSession(final int session)
    {
        coordinatorSession = session;
    }

    @Override
    public void close()
    {
        if (null != coordinator)
        {
            coordinator.close();
            coordinator = null;
        }
        for (int rank = 0; rank < outlets.length; rank++)
        {
            disconnect(rank);
        }
    }
}
