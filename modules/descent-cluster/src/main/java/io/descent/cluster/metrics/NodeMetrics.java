package io.descent.cluster.metrics;

import io.descent.cluster.SecurityStatus;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.train.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What one parameter server or worker process reports about itself — progress, throughput, traffic, health — for
 * {@link MetricsServer} to serve on {@code /metrics} (Prometheus text format) and {@code /health}.
 *
 * <p>The cluster code calls plain methods and never sees a Prometheus type:
 * <pre>{@code
 * final NodeMetrics metrics = NodeMetrics.worker(rank);           // or NodeMetrics.parameterServer()
 * try (MetricsServer server = MetricsServer.start(port, metrics)) // port 9404 by default, 0 = any free port
 * {
 *     metrics.onStep(stepSeconds, waitSeconds, examples);          // every step
 *     metrics.onBytes(receivedBytes, sentBytes);                   // data-plane traffic since the last call
 *     metrics.setLiveWorkers(n);                                   // ps: on join/loss
 *     metrics.onEpoch(epoch, trainLoss, validation);               // ps: after each validation
 *     metrics.onCheckpoint(System.currentTimeMillis());            // ps: after a checkpoint is on disk
 *     metrics.watchTransport(plane::stats);                        // once: data-plane drop counters
 *     metrics.expectProgress(deadline, "step-timeout 60 s + ...");  // training runs: a step is due within deadline
 *     metrics.setHealthy(false, "lost the parameter server");      // when the node cannot make progress
 * }
 * }</pre>
 *
 * <p>{@code /health} answers 503 with the reason given to {@link #setHealthy}, or, while progress is expected
 * ({@link #expectProgress}), when no step completed ({@link #onStep}) within the deadline: a hung node is then
 * restarted by a liveness probe even though nothing in it runs to notice.
 *
 * <p>Every series has {@code role="ps"} or {@code role="worker"} and, for workers, {@code rank="K"}:
 * <ul>
 *   <li>{@code descent_step_seconds} histogram: wall time of a step (worker: compute + push + wait for weights;
 *       ps: from one update to the next).</li>
 *   <li>{@code descent_gradient_wait_seconds} histogram: part of the step spent waiting (worker: for the new
 *       weights; ps: for the last gradient).</li>
 *   <li>{@code descent_steps_total}, {@code descent_examples_total} counters.</li>
 *   <li>{@code descent_samples_per_second} gauge: examples / step time of the latest step (for a smoothed rate use
 *       {@code rate(descent_examples_total[1m])}).</li>
 *   <li>{@code descent_received_bytes_total}, {@code descent_sent_bytes_total} counters: data-plane bytes.</li>
 *   <li>{@code descent_live_workers} gauge (once set).</li>
 *   <li>{@code descent_ignored_control_messages_total{message="ready"|"leave"}} counter: control messages the
 *       parameter server ignored because they named a worker it did not admit (forged, or from a replaced worker);
 *       0 on a worker.</li>
 *   <li>{@code descent_late_gradients_total}, {@code descent_closed_early_steps_total} counters: on a parameter
 *       server under {@code consistency = backup}, gradients dropped for coming after their step closed, and steps
 *       closed without every live worker's gradient; 0 otherwise.</li>
 *   <li>{@code descent_gradient_staleness_steps} and {@code descent_gradient_version_lag} histograms: on a parameter
 *       server, each applied gradient's step staleness (its step minus the first step not closed when its weights
 *       went out: at most s under {@code ssp}, 0 under {@code sync}) and version lag (updates applied between
 *       those weights and its own).</li>
 *   <li>{@code descent_epoch}, {@code descent_train_loss}, {@code descent_validation_loss},
 *       {@code descent_validation_accuracy} (0..1, classification) or {@code descent_validation_rmse}
 *       (regression) gauges of the latest epoch (once reported; a NaN value is left out).</li>
 *   <li>{@code descent_checkpoint_age_seconds} gauge: now minus the latest checkpoint's time (once there is one).</li>
 *   <li>{@code descent_healthy} gauge: 1 or 0, as {@code /health} answers.</li>
 *   <li>{@code descent_transport_*} counters of the data plane's drops (once {@link #watchTransport} is called):
 *       see {@link TransportMetrics}.</li>
 *   <li>Memory ({@link ProcessMemory}): {@code descent_resident_memory_bytes} and
 *       {@code descent_resident_anonymous_memory_bytes} (Linux), {@code descent_heap_after_gc_bytes} (once a
 *       collection ran), {@code descent_javacpp_bytes} gauges; {@code descent_nd4j_allocations_total} and
 *       {@code descent_forced_gcs_total} (collections caused by {@code System.gc()}) counters.</li>
 * </ul>
 *
 * <p>Thread-safety: every method may be called from any thread, concurrently with the others and with scrapes on
 * the HTTP server's threads. Updates take no locks and are cheap enough to call every step; a scrape sees each
 * metric's latest value, and the epoch gauges as one consistent set. Each instance has its own registry: no global
 * state, so several nodes (or tests) can live in one JVM.
 */
public final class NodeMetrics
{
    private static final double[] SECONDS_BUCKETS =
        { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0 };
    private static final double[] COUNT_BUCKETS = { 0, 1, 2, 3, 4, 6, 8, 12, 16, 32, 64 };
    private static final long NO_CHECKPOINT = Long.MIN_VALUE;
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);
    /** The worker-to-server messages that name a worker: {@code message} label values of ignored ones. */
    private static final String[] CONTROL_MESSAGES = { "ready", "leave" };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final InstantSource clock;
    private final ProgressWatch progress;
    private volatile Supplier<TransportStats> transport;
    private volatile Supplier<CompressionStats> gradients;
    /** What {@link #health()} last answered, to log a change to unhealthy once. */
    private final AtomicReference<Health> reported = new AtomicReference<>(Health.OK);
    private volatile Labels labels;
    private volatile Histogram stepSeconds;
    private volatile Histogram waitSeconds;
    private volatile Counter steps;
    private volatile Counter examples;
    private volatile Counter receivedBytes;
    private volatile Counter sentBytes;
    private volatile Counter ignoredControl;
    private volatile Counter lateGradients;
    private volatile Counter closedEarly;
    private volatile Histogram stalenessSteps;
    private volatile Histogram versionLag;
    private long[] stalenessSeen = new long[0];
    private long[] versionLagSeen = new long[0];
    private long lateSeen;
    private long closedEarlySeen;

    private volatile double samplesPerSecond = Double.NaN;
    private volatile double liveWorkers = Double.NaN;
    private volatile Epoch epoch = Epoch.NONE;
    private volatile long checkpointMillis = NO_CHECKPOINT;
    private volatile Health health = Health.OK;
    private volatile SecurityStatus security;
    private final ProcessMemory memory = new ProcessMemory();

    private NodeMetrics(final Labels labels, final InstantSource clock, final LongSupplier nanoClock)
    {
        this.labels = labels;
        this.clock = clock;
        this.progress = new ProgressWatch(nanoClock);
        register();
    }

    private void register()
    {
        stepSeconds = histogram("descent_step_seconds", "Wall time of a training step.");
        waitSeconds = histogram("descent_gradient_wait_seconds",
            "Part of a step spent waiting (worker: for new weights, ps: for the last gradient).");
        steps = counter("descent_steps", null, "Training steps completed.");
        examples = counter("descent_examples", null, "Training examples processed.");
        receivedBytes = counter("descent_received_bytes", Unit.BYTES, "Data-plane bytes received.");
        sentBytes = counter("descent_sent_bytes", Unit.BYTES, "Data-plane bytes sent.");
        lateGradients = counter("descent_late_gradients", null, "Parameter server: gradients dropped because their " +
            "step had closed without them (consistency = backup).");
        closedEarly = counter("descent_closed_early_steps", null, "Parameter server: steps closed before every " +
            "live worker's gradient was in (consistency = backup).");
        stalenessSteps = countHistogram("descent_gradient_staleness_steps", "Parameter server: applied gradients " +
            "by step staleness (their step minus the first step not closed when their weights went out).");
        versionLag = countHistogram("descent_gradient_version_lag", "Parameter server: applied gradients by the " +
            "updates applied between the weights they were computed on and their own.");
        ignoredControl = Counter.builder().name("descent_ignored_control_messages")
            .help("Control messages ignored because they named a worker the server did not admit (or no longer " +
                "has), by message.")
            .constLabels(labels).labelNames("message").withoutExemplars().register(registry);
        for (final String message : CONTROL_MESSAGES)
        {
            ignoredControl.initLabelValues(message);
        }
        gauge("descent_samples_per_second", "Examples per second of the latest step.", () -> samplesPerSecond);
        gauge("descent_live_workers", "Workers taking part in the job.", () -> liveWorkers);
        gauge("descent_epoch", "Latest completed epoch.", () -> epoch.number());
        gauge("descent_train_loss", "Mean training loss of the latest epoch.", () -> epoch.trainLoss());
        gauge("descent_validation_loss", "Mean validation loss after the latest epoch.", () -> epoch.validationLoss());
        gauge("descent_validation_accuracy", "Validation accuracy (0..1) after the latest epoch.",
            () -> epoch.validationAccuracy());
        gauge("descent_validation_rmse", "Validation RMSE after the latest epoch.", () -> epoch.validationRmse());
        gauge("descent_checkpoint_age_seconds", "Seconds since the latest checkpoint was written.",
            this::checkpointAgeSeconds);
        gauge("descent_healthy", "1 while /health answers 200, else 0.", () -> health().healthy() ? 1.0 : 0.0);
        GaugeWithCallback.builder().name("descent_security_info")
            .help("1, labelled with what protects this node: control_plane (mutual-tls|none), data_plane " +
                "(aes-gmac|hmac-sha256|crc-only), cluster_key (true|false).")
            .constLabels(labels).labelNames("control_plane", "data_plane", "cluster_key")
            .callback(callback ->
            {
                final SecurityStatus status = security;
                if (null != status)
                {
                    callback.call(1.0, status.controlPlane(), status.dataPlane(), Boolean.toString(status.clusterKey()));
                }
            })
            .register(registry);
        final Supplier<TransportStats> source = transport;
        if (null != source)
        {
            TransportMetrics.register(registry, labels, source);
        }
        registerMemory();
    }

    private void registerMemory()
    {
        gauge("descent_resident_memory_bytes", "Resident set size of the process.", memory::residentBytes);
        gauge("descent_resident_anonymous_memory_bytes", "Anonymous part of the resident set (heap, native).",
            memory::anonymousBytes);
        gauge("descent_heap_after_gc_bytes", "Heap in use after the latest collection.", memory::heapAfterGcBytes);
        gauge("descent_javacpp_bytes", "Off-heap bytes JavaCPP tracks.", memory::javacppBytes);
        counterWithCallback("descent_nd4j_allocations", "Native buffers and op contexts ND4J created.",
            memory::nd4jAllocations);
        counterWithCallback("descent_forced_gcs", "Collections caused by System.gc() (JavaCPP's memory limits).",
            memory::forcedCollections);
    }

    /** @return metrics of a parameter server, labelled {@code role="ps"}, on the system clock. */
    public static NodeMetrics parameterServer()
    {
        return parameterServer(InstantSource.system());
    }

    /**
     * @param clock the time checkpoint ages are measured against.
     * @return metrics of a parameter server, labelled {@code role="ps"}.
     */
    public static NodeMetrics parameterServer(final InstantSource clock)
    {
        return parameterServer(clock, System::nanoTime);
    }

    /**
     * @param clock     the time checkpoint ages are measured against.
     * @param nanoClock monotonic nanoseconds progress deadlines are measured against.
     * @return metrics of a parameter server, labelled {@code role="ps"}.
     */
    static NodeMetrics parameterServer(final InstantSource clock, final LongSupplier nanoClock)
    {
        return new NodeMetrics(Labels.of("role", "ps"), clock, nanoClock);
    }

    /**
     * @param rank the worker's rank, {@code >= 0}.
     * @return metrics of a worker, labelled {@code role="worker", rank="<rank>"}, on the system clock.
     */
    public static NodeMetrics worker(final int rank)
    {
        return worker(rank, InstantSource.system());
    }

    /**
     * @param rank  the worker's rank, {@code >= 0}.
     * @param clock the time checkpoint ages are measured against.
     * @return metrics of a worker, labelled {@code role="worker", rank="<rank>"}.
     */
    public static NodeMetrics worker(final int rank, final InstantSource clock)
    {
        return worker(rank, clock, System::nanoTime);
    }

    /**
     * @param rank      the worker's rank, {@code >= 0}.
     * @param clock     the time checkpoint ages are measured against.
     * @param nanoClock monotonic nanoseconds progress deadlines are measured against.
     * @return metrics of a worker, labelled {@code role="worker", rank="<rank>"}.
     */
    static NodeMetrics worker(final int rank, final InstantSource clock, final LongSupplier nanoClock)
    {
        if (rank < 0)
        {
            throw new IllegalArgumentException("worker rank must be >= 0, was " + rank);
        }
        return new NodeMetrics(Labels.of("role", "worker", "rank", Integer.toString(rank)), clock, nanoClock);
    }

    /**
     * Relabels a worker's series with the rank the parameter server assigned (it may differ from the rank the worker
     * asked for, and from a pod index). Call it before the first step: the series start again from zero.
     *
     * @param rank the assigned rank, {@code >= 0}.
     * @throws IllegalArgumentException if negative.
     * @throws IllegalStateException    for a parameter server's metrics.
     */
    public synchronized void assignRank(final int rank)
    {
        requireNonNegative(rank, "rank");
        final String current = labels.get("rank");
        if (null == current)
        {
            throw new IllegalStateException("only a worker's metrics have a rank");
        }
        if (!current.equals(Integer.toString(rank)))
        {
            registry.clear();
            labels = Labels.of("role", "worker", "rank", Integer.toString(rank));
            register();
        }
    }

    /**
     * One step completed.
     *
     * @param stepSeconds wall time of the step, {@code >= 0}.
     * @param waitSeconds part of it spent waiting, {@code >= 0}.
     * @param examples    examples the step trained on (ps: summed over workers), {@code >= 0}.
     * @throws IllegalArgumentException if a value is negative or not finite.
     */
    public void onStep(final double stepSeconds, final double waitSeconds, final long examples)
    {
        requireNonNegative(stepSeconds, "stepSeconds");
        requireNonNegative(waitSeconds, "waitSeconds");
        requireNonNegative(examples, "examples");
        this.stepSeconds.observe(stepSeconds);
        this.waitSeconds.observe(waitSeconds);
        steps.inc();
        this.examples.inc(examples);
        progress.onProgress();
        if (stepSeconds > 0.0)
        {
            samplesPerSecond = examples / stepSeconds;
        }
    }

    /**
     * The parameter server's step-closing totals so far (consistency = backup); counters advance by the difference.
     * Called from one thread (the server's actor).
     *
     * @param late        gradients dropped so far because their step had closed without them.
     * @param earlyCloses steps closed so far before every expected gradient was in.
     */
    public void onConsistency(final long late, final long earlyCloses)
    {
        if (late > lateSeen)
        {
            lateGradients.inc(late - lateSeen);
            lateSeen = late;
        }
        if (earlyCloses > closedEarlySeen)
        {
            closedEarly.inc(earlyCloses - closedEarlySeen);
            closedEarlySeen = earlyCloses;
        }
    }

    /**
     * The parameter server's staleness counts so far (cumulative, by value 0, 1, ...); the histograms advance by the
     * difference. Called from one thread (the server's actor).
     *
     * @param steps      applied gradients by step staleness.
     * @param versionLags applied gradients by version lag.
     */
    public void onStaleness(final long[] steps, final long[] versionLags)
    {
        stalenessSeen = observeNew(stalenessSteps, steps, stalenessSeen);
        versionLagSeen = observeNew(versionLag, versionLags, versionLagSeen);
    }

    private static long[] observeNew(final Histogram histogram, final long[] counts, final long[] seen)
    {
        for (int value = 0; value < counts.length; value++)
        {
            for (long n = value < seen.length ? seen[value] : 0; n < counts[value]; n++)
            {
                histogram.observe(value);
            }
        }
        return counts.clone();
    }

    /**
     * Data-plane traffic since the previous call (deltas, not totals).
     *
     * @param received bytes received, {@code >= 0}.
     * @param sent     bytes sent, {@code >= 0}.
     * @throws IllegalArgumentException if a value is negative.
     */
    public void onBytes(final long received, final long sent)
    {
        requireNonNegative(received, "received");
        requireNonNegative(sent, "sent");
        receivedBytes.inc(received);
        sentBytes.inc(sent);
    }

    /**
     * A control message that named a worker the server did not admit (or no longer has) was ignored.
     *
     * @param message the message, lower case: {@code ready} or {@code leave}.
     */
    public void onIgnoredControl(final String message)
    {
        ignoredControl.labelValues(message).inc();
    }

    /**
     * @param count workers currently taking part in the job, {@code >= 0}.
     * @throws IllegalArgumentException if negative.
     */
    public void setLiveWorkers(final int count)
    {
        requireNonNegative(count, "count");
        liveWorkers = count;
    }

    /**
     * An epoch ended and was validated. NaN means "not measured" and leaves that gauge out of the scrape.
     *
     * @param epoch              the epoch number (1-based).
     * @param trainLoss          mean training loss of the epoch.
     * @param validationLoss     mean validation loss.
     * @param validationAccuracy validation accuracy 0..1 (classification), else NaN.
     * @param validationRmse     validation RMSE (regression), else NaN.
     */
    public void onEpoch(
        final int epoch,
        final double trainLoss,
        final double validationLoss,
        final double validationAccuracy,
        final double validationRmse)
    {
        this.epoch = new Epoch(epoch, trainLoss, validationLoss, validationAccuracy, validationRmse);
    }

    /**
     * An epoch ended and was validated.
     *
     * @param epoch      the epoch number (1-based).
     * @param trainLoss  mean training loss of the epoch.
     * @param validation the validation metrics (accuracy or RMSE, whichever is not NaN).
     */
    public void onEpoch(final int epoch, final double trainLoss, final Metrics validation)
    {
        onEpoch(epoch, trainLoss, validation.loss(), validation.accuracy(), validation.rmse());
    }

    /**
     * A checkpoint is safely on disk.
     *
     * @param epochMillis when it was written, milliseconds since the Unix epoch.
     */
    public void onCheckpoint(final long epochMillis)
    {
        checkpointMillis = epochMillis;
    }

    /**
     * Sets what protects this node, for {@code /health?format=json} and {@code descent_security_info}. Call it once
     * the node's settings are validated.
     *
     * @param status what the node's settings turn on.
     */
    public void setSecurity(final SecurityStatus status)
    {
        security = Objects.requireNonNull(status, "status");
    }

    /** @return what protects this node, or null before {@link #setSecurity} was called. */
    public SecurityStatus security()
    {
        return security;
    }

    /**
     * Sets what {@code /health} answers. Kubernetes restarts a pod whose liveness probe keeps failing, so report
     * unhealthy only when the node cannot make progress by itself. Logged at info when it turns unhealthy: the caller
     * reports why the node ends (a refused worker's one line on stderr is its only one).
     *
     * @param healthy true for 200 {@code ok}, false for 503.
     * @param reason  why not, one line (line breaks become spaces); ignored when healthy.
     */
    public void setHealthy(final boolean healthy, final String reason)
    {
        health = healthy ? Health.OK : new Health(false, reason);
        judge(true);
    }

    /**
     * Exports the data plane's drop counters ({@code descent_transport_*}), read from {@code source} at every scrape.
     * Call it once.
     *
     * @param source the node's data-plane counters, e.g. {@code plane::stats}; called on scrape threads.
     * @throws IllegalStateException when called twice.
     */
    public synchronized void watchTransport(final Supplier<TransportStats> source)
    {
        Objects.requireNonNull(source, "source");
        if (null != transport)
        {
            throw new IllegalStateException("the data plane's counters are already exported");
        }
        transport = source;
        TransportMetrics.register(registry, labels, source);
    }

    /**
     * Exports the parameter server's gradient traffic: {@code descent_gradient_bytes_before_total} (as float32) and
     * {@code descent_gradient_bytes_after_total} (on the wire) counters, {@code descent_gradient_density} (values
     * sent over values, 1 when dense) and {@code descent_gradient_tau} (threshold: the last τ; NaN otherwise) gauges;
     * and the same of the weights it published: {@code descent_weight_bytes_before_total},
     * {@code descent_weight_bytes_after_total}, {@code descent_weight_density} and {@code descent_weight_tau}.
     *
     * @param source the server's counts, e.g. its engine's; called on scrape threads.
     * @throws IllegalStateException when called twice.
     */
    public synchronized void watchGradients(final Supplier<CompressionStats> source)
    {
        Objects.requireNonNull(source, "source");
        if (null != gradients)
        {
            throw new IllegalStateException("the gradient traffic is already exported");
        }
        gradients = source;
        counterWithCallback("descent_gradient_bytes_before", "Parameter server: bytes of the gradients it summed, " +
            "as float32 (before compression).", () -> source.get().denseBytes());
        counterWithCallback("descent_gradient_bytes_after", "Parameter server: bytes of the gradients it summed, as " +
            "they arrived (after compression).", () -> source.get().wireBytes());
        gauge("descent_gradient_density", "Parameter server: fraction of gradient values the encodings carried " +
            "(1 unless compression = threshold).", () -> source.get().density());
        gauge("descent_gradient_tau", "Parameter server: the threshold of the last gradient (compression = " +
            "threshold), else NaN.", () -> source.get().tau());
        counterWithCallback("descent_weight_bytes_before", "Parameter server: bytes of the weights it published " +
            "(every copy to every worker), as float32 (before compression).", () -> weights(source).denseBytes());
        counterWithCallback("descent_weight_bytes_after", "Parameter server: bytes of the weights it published, on " +
            "the wire (after weight-compression).", () -> weights(source).wireBytes());
        gauge("descent_weight_density", "Parameter server: fraction of each version's weight change the coded " +
            "changes carried (weight-compression = threshold), else NaN.", () -> weights(source).density());
        gauge("descent_weight_tau", "Parameter server: the threshold of the last coded weight change " +
            "(weight-compression = threshold), else NaN.", () -> weights(source).tau());
    }

    private static CompressionStats.WeightTraffic weights(final Supplier<CompressionStats> source)
    {
        final CompressionStats.WeightTraffic weights = source.get().weights();
        return null == weights ? new CompressionStats.WeightTraffic("none", 0, 0, 0) : weights;
    }

    /**
     * From now on a step is due ({@link #onStep}) at least every {@code within}, counted from now: past it,
     * {@code /health} answers 503 "stalled: ...". Call it when the node starts training (and again to change the
     * deadline); {@link #stopExpectingProgress()} when it is legitimately idle.
     *
     * @param within the longest time a step may take to come, all its waits included, {@code > 0}.
     * @param rule   what {@code within} is made of, named in the reason (e.g. "step-timeout 60 s + ...").
     */
    public void expectProgress(final Duration within, final String rule)
    {
        progress.expect(within, rule);
    }

    /** No step is due any more (the job is over, or the node waits for something that has its own deadline). */
    public void stopExpectingProgress()
    {
        progress.stop();
    }

    /**
     * @return what {@code /health} answers now: the reason set with {@link #setHealthy}, else stalled when a step is
     * overdue, else ok. Logs a change to unhealthy once (a stall as a warning).
     */
    public Health health()
    {
        return judge(false);
    }

    private Health judge(final boolean set)
    {
        final Health given = health;
        final Health now = given.healthy() ? progress.health() : given;
        final Health before = reported.get();
        if (now.healthy() != before.healthy() && reported.compareAndSet(before, now) && !now.healthy())
        {
            if (set)
            {
                LOG.info("/health now answers 503: {}", now.reason());
            }
            else
            {
                LOG.warn("/health now answers 503: {}", now.reason());
            }
        }
        return now;
    }

    /** @return the registry the metrics live in; for {@link MetricsServer} only. */
    PrometheusRegistry registry()
    {
        return registry;
    }

    private double checkpointAgeSeconds()
    {
        final long written = checkpointMillis;
        return NO_CHECKPOINT == written ? Double.NaN : Math.max(0L, clock.millis() - written) / 1000.0;
    }

    private Histogram histogram(final String name, final String help)
    {
        return Histogram.builder().name(name).unit(Unit.SECONDS).help(help).constLabels(labels)
            .classicOnly().classicUpperBounds(SECONDS_BUCKETS).withoutExemplars().register(registry);
    }

    private Histogram countHistogram(final String name, final String help)
    {
        return Histogram.builder().name(name).help(help).constLabels(labels).classicOnly()
            .classicUpperBounds(COUNT_BUCKETS).withoutExemplars().register(registry);
    }

    private Counter counter(final String name, final Unit unit, final String help)
    {
        final Counter.Builder builder = Counter.builder().name(name).help(help).constLabels(labels).withoutExemplars();
        return (null == unit ? builder : builder.unit(unit)).register(registry);
    }

    private void counterWithCallback(final String name, final String help, final DoubleSupplier value)
    {
        CounterWithCallback.builder().name(name).help(help).constLabels(labels)
            .callback(callback -> callback.call(value.getAsDouble())).register(registry);
    }

    /** A gauge read at scrape time; a NaN value leaves the series out (not reported yet, or not applicable). */
    private void gauge(final String name, final String help, final DoubleSupplier value)
    {
        GaugeWithCallback.builder().name(name).help(help).constLabels(labels)
            .callback(callback ->
            {
                final double v = value.getAsDouble();
                if (!Double.isNaN(v))
                {
                    callback.call(v);
                }
            })
            .register(registry);
    }

    private static void requireNonNegative(final double value, final String name)
    {
        if (!(value >= 0.0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException(name + " must be finite and >= 0, was " + value);
        }
    }

    private static void requireNonNegative(final long value, final String name)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }

    /** The latest epoch's values, replaced as a whole so a scrape never mixes two epochs. */
    private record Epoch(
        double number,
        double trainLoss,
        double validationLoss,
        double validationAccuracy,
        double validationRmse)
    {
        static final Epoch NONE = new Epoch(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
