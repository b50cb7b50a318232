package io.descent.cli.train;

import io.descent.cluster.Consistency;
import io.descent.cluster.SecurityStatus;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.server.EpochWorkerTime;
import io.descent.cluster.server.ServerStats;
import io.descent.cluster.server.Staleness;
import io.descent.nn.Model;
import io.descent.train.EpochResult;
import io.descent.train.JobConfig;
import io.descent.train.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --report} JSON of a training run. Field names are a contract (see the README); keep them stable.
 */
public final class TrainReport
{
    private final Map<String, Object> root = new LinkedHashMap<>();
    private final List<Map<String, Object>> epochs = new ArrayList<>();

    /**
     * @param job     the job.
     * @param model   the model (architecture, size, fingerprint).
     * @param mode    single, local (a cluster of processes on this machine) or cluster.
     * @param workers number of workers.
     */
    public TrainReport(final JobConfig job, final Model model, final String mode, final int workers)
    {
        root.put("job", job.name());
        root.put("mode", mode);
        root.put("workers", workers);
        root.put("model", model.fingerprint().architecture());
        root.put("params", model.parameterCount());
        root.put("fingerprint", model.fingerprint().hex());
        final Map<String, Object> hyper = new LinkedHashMap<>();
        hyper.put("loss", job.train().loss().configName());
        hyper.put("init", job.model().getString("init"));
        hyper.put("batch_size", job.train().batchSize());
        hyper.put("learning_rate", job.train().optimizer().learningRate());
        hyper.put("epochs", job.train().epochs());
        hyper.put("optimizer", job.train().optimizer().kind());
        hyper.put("momentum", job.train().optimizer().momentum());
        hyper.put("nesterov", job.train().optimizer().nesterov());
        hyper.put("weight_decay", job.train().optimizer().weightDecay());
        hyper.put("clip_norm", job.train().optimizer().clipNorm());
        hyper.put("schedule", job.train().optimizer().schedule().type());
        hyper.put("seed", job.seed());
        root.put("hyper", hyper);
        root.put("epochs", epochs);
    }

    /** Adds one epoch's line. */
    public void addEpoch(final EpochResult result, final Metrics validation)
    {
        epochs.add(epoch(result, validation));
    }

    /**
     * Adds one epoch's line of a cluster run, with its steps and where the workers' time went in it: {@code compute_s}
     * and {@code comm_s} (push + wait), each the mean over the epoch's workers of their seconds in that epoch.
     */
    public void addEpoch(final EpochResult result, final Metrics validation, final EpochWorkerTime workerTime)
    {
        final Map<String, Object> epoch = epoch(result, validation);
        epoch.put("steps", result.steps());
        epoch.put("compute_s", workerTime.computeSeconds());
        epoch.put("comm_s", workerTime.commSeconds());
        epochs.add(epoch);
    }

    private static Map<String, Object> epoch(final EpochResult result, final Metrics validation)
    {
        final Map<String, Object> epoch = new LinkedHashMap<>();
        epoch.put("epoch", result.epoch());
        epoch.put("train_loss", result.trainLoss());
        epoch.put("val_loss", validation.loss());
        putQuality(epoch, "val_", validation);
        epoch.put("seconds", result.seconds());
        epoch.put("samples_per_sec", result.samplesPerSecond());
        return epoch;
    }

    /** @return the report's root object, with the final section. */
    public Map<String, Object> finish(final Metrics test, final double wallSeconds, final double samplesPerSecond, final long steps)
    {
        final Map<String, Object> end = new LinkedHashMap<>();
        end.put("test_loss", test.loss());
        putQuality(end, "test_", test);
        end.put("wall_seconds", wallSeconds);
        end.put("samples_per_sec", samplesPerSecond);
        end.put("steps", steps);
        root.put("final", end);
        return root;
    }

    /**
     * Adds what protected the cluster ({@code security}: control plane, data plane, cluster key).
     *
     * @param security the parameter server's settings as {@link SecurityStatus}.
     */
    public void addSecurity(final SecurityStatus security)
    {
        root.put("security", security.toMap());
    }

    /**
     * Adds how the cluster closed its steps ({@code consistency}: the model, {@code backup_workers}, {@code staleness}
     * as configured, {@code steps_ordered_per_worker}: 2 when ssp or async is pipelined, else 1) and what that cost
     * ({@code late_gradients} dropped, {@code closed_early_steps}; the applied gradients by step staleness,
     * {@code staleness_steps}: entry k counts those of staleness k, the last entry is {@code max_staleness_steps}; and
     * by version lag, {@code version_lag}, {@code max_version_lag}: see {@link Staleness}).
     *
     * @param consistency the parameter server's setting.
     * @param window      steps it kept ordered per worker ({@link Consistency#window}).
     * @param server      its counters.
     */
    public void addConsistency(final Consistency consistency, final int window, final ServerStats server)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("model", consistency.mode().label());
        entry.put("backup_workers", consistency.backupWorkers());
        entry.put("staleness", consistency.staleness());
        entry.put("steps_ordered_per_worker", window);
        entry.put("late_gradients", server.lateGradients());
        entry.put("closed_early_steps", server.closedEarly());
        final Staleness staleness = null == server.staleness() ? Staleness.NONE : server.staleness();
        entry.put("staleness_steps", staleness.steps());
        entry.put("max_staleness_steps", staleness.maxSteps());
        entry.put("version_lag", staleness.versionLag());
        entry.put("max_version_lag", staleness.maxVersionLag());
        root.put("consistency", entry);
    }

    /**
     * Adds the gradients' traffic ({@code compression}): the codec, the gradient ranges summed, their bytes as float32
     * ({@code bytes_before}) and on the wire ({@code bytes_after}), the same per step ({@code
     * bytes_per_step_before}, {@code bytes_per_step_after}: every worker's, every shard's range, over the server's
     * steps), {@code ratio} (after / before), and for a threshold codec the achieved {@code density} (values sent
     * over values) and the last {@code tau} (both null otherwise), and a {@code weights} subsection: the weights the
     * server published to workers ({@code codec}, {@code copies}, {@code bytes_before} / {@code bytes_after}, per
     * step, {@code ratio}). Nothing when the server did not count it.
     *
     * @param server the parameter server's (the coordinator's) counters.
     * @param shards every shard's counters by index (the coordinator first), or empty for one server.
     */
    public void addCompression(final ServerStats server, final List<ServerStats> shards)
    {
        final List<CompressionStats> parts = new ArrayList<>();
        if (shards.isEmpty())
        {
            parts.add(server.compression());
        }
        for (final ServerStats shard : shards)
        {
            parts.add(null == shard ? null : shard.compression());
        }
        final CompressionStats total = CompressionStats.sum(parts);
        if (null == total)
        {
            return;
        }
        final Map<String, Object> entry = new LinkedHashMap<>();
        final long steps = Math.max(1, server.steps());
        entry.put("codec", total.codec());
        entry.put("gradients", total.gradients());
        entry.put("bytes_before", total.denseBytes());
        entry.put("bytes_after", total.wireBytes());
        entry.put("bytes_per_step_before", total.denseBytes() / steps);
        entry.put("bytes_per_step_after", total.wireBytes() / steps);
        entry.put("ratio", total.denseBytes() == 0 ? null : (double)total.wireBytes() / total.denseBytes());
        final boolean sparse = "threshold".equals(total.codec());
        entry.put("density", sparse && !Double.isNaN(total.density()) ? total.density() : null);
        entry.put("tau", Double.isNaN(total.tau()) ? null : total.tau());
        if (null != total.weights())
        {
            final Map<String, Object> weights = new LinkedHashMap<>();
            weights.put("codec", total.weights().codec());
            weights.put("copies", total.weights().copies());
            weights.put("bytes_before", total.weights().denseBytes());
            weights.put("bytes_after", total.weights().wireBytes());
            weights.put("bytes_per_step_before", total.weights().denseBytes() / steps);
            weights.put("bytes_per_step_after", total.weights().wireBytes() / steps);
            weights.put("ratio", total.weights().denseBytes() == 0 ? null :
                (double)total.weights().wireBytes() / total.weights().denseBytes());
            final boolean coded = "threshold".equals(total.weights().codec());
            weights.put("full_copies", coded ? total.weights().fullCopies() : null);
            weights.put("density", coded && !Double.isNaN(total.weights().density()) ?
                total.weights().density() : null);
            weights.put("tau", Double.isNaN(total.weights().tau()) ? null : total.weights().tau());
            entry.put("weights", weights);
        }
        root.put("compression", entry);
    }

    /**
     * Adds the cluster's per-worker counters ({@code worker_stats}) and the server's ({@code server_stats}).
     *
     * @param workers the latest statistics of each worker.
     * @param server  the parameter server's counters.
     */
    public void addClusterStats(final List<WorkerStats> workers, final ServerStats server)
    {
        addClusterStats(workers, server, List.of());
    }

    /**
     * Adds the cluster's per-worker counters ({@code worker_stats}) and the servers' ({@code server_stats}): one
     * server's object, or with parameter-server shards a list of one object per shard, each with its {@code shard}
     * index (the coordinator first; a shard whose counters did not come has only its index and
     * {@code "reported": false}) and the gradients it applied by staleness ({@code staleness_steps},
     * {@code max_staleness_steps}, {@code version_lag}, {@code max_version_lag}, as in {@code consistency}).
     *
     * @param workers the latest statistics of each worker.
     * @param server  the parameter server's (the coordinator's) counters.
     * @param shards  each shard's counters by index, or empty for one server.
     */
    public void addClusterStats(final List<WorkerStats> workers, final ServerStats server,
        final List<ServerStats> shards)
    {
        final List<Map<String, Object>> stats = new ArrayList<>();
        for (final WorkerStats worker : workers)
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("rank", worker.rank());
            entry.put("host", worker.host());
            entry.put("pid", worker.pid());
            entry.put("samples_per_sec", worker.samplesPerSecond());
            entry.put("compute_s", worker.computeSeconds());
            entry.put("push_s", worker.pushSeconds());
            entry.put("wait_s", worker.waitSeconds());
            entry.put("bytes_sent", worker.bytesSent());
            entry.put("transport", transport(worker.transport()));
            stats.add(entry);
        }
        root.put("worker_stats", stats);
        if (shards.isEmpty())
        {
            root.put("server_stats", serverEntry(server));
            return;
        }
        final List<Map<String, Object>> entries = new ArrayList<>();
        for (int shard = 0; shard < shards.size(); shard++)
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("shard", shard);
            if (null == shards.get(shard))
            {
                entry.put("reported", false);
            }
            else
            {
                entry.putAll(serverEntry(shards.get(shard)));
                final Staleness staleness = null == shards.get(shard).staleness() ? Staleness.NONE :
                    shards.get(shard).staleness();
                entry.put("staleness_steps", staleness.steps());
                entry.put("max_staleness_steps", staleness.maxSteps());
                entry.put("version_lag", staleness.versionLag());
                entry.put("max_version_lag", staleness.maxVersionLag());
            }
            entries.add(entry);
        }
        root.put("server_stats", entries);
    }

    private static Map<String, Object> serverEntry(final ServerStats server)
    {
        final Map<String, Object> serverEntry = new LinkedHashMap<>();
        serverEntry.put("host", server.host());
        serverEntry.put("pid", server.pid());
        serverEntry.put("steps", server.steps());
        serverEntry.put("update_s", server.updateSeconds());
        serverEntry.put("bytes_received", server.bytesReceived());
        serverEntry.put("ignored_gradients", server.ignoredGradients());
        serverEntry.put("refused_gradients", server.refusedGradients());
        serverEntry.put("late_gradients", server.lateGradients());
        serverEntry.put("closed_early_steps", server.closedEarly());
        serverEntry.put("cpus", server.cpus());
        serverEntry.put("transport", transport(server.transport()));
        return serverEntry;
    }

    /**
     * @return a node's data-plane drop counters as the report's {@code transport} object: chunks dropped for a bad
     * CRC, as duplicates, as late, and rejected by reason (also bad_mac, unknown_session, replay); expected messages that missed their deadline; late and
     * duplicate messages (once each).
     */
    static Map<String, Object> transport(final TransportStats stats)
    {
        final Map<String, Object> rejected = new LinkedHashMap<>();
        rejected.put("unknown_job", stats.rejectedUnknownJob());
        rejected.put("fingerprint", stats.rejectedFingerprint());
        rejected.put("unexpected", stats.rejectedUnexpected());
        rejected.put("malformed", stats.rejectedMalformed());
        rejected.put("out_of_range", stats.rejectedOutOfRange());
        rejected.put("bad_mac", stats.rejectedBadMac());
        rejected.put("unknown_session", stats.rejectedUnknownSession());
        rejected.put("replay", stats.rejectedReplay());
        rejected.put("encoding", stats.rejectedEncoding());
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("crc_failures", stats.crcFailures());
        entry.put("duplicate_chunks", stats.duplicateChunks());
        entry.put("late_chunks", stats.lateChunks());
        entry.put("rejected_chunks", rejected);
        entry.put("incomplete_messages", stats.incompleteMessages());
        entry.put("late_messages", stats.lateMessages());
        entry.put("duplicate_messages", stats.duplicateMessages());
        return entry;
    }

    private static void putQuality(final Map<String, Object> target, final String prefix, final Metrics metrics)
    {
        if (metrics.isClassification())
        {
            target.put(prefix + "accuracy", metrics.accuracy());
        }
        else
        {
            target.put(prefix + "rmse", metrics.rmse());
        }
    }
}
