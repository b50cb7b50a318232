package io.descent.cluster.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.checkpoint.ShardCheckpoints;
import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.JobIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;

import java.nio.file.Path;
import java.util.List;

/**
 * The parameter server's checkpoint policy: after a step, decides whether the next step's checkpoint is due (every
 * {@code every-steps} steps, or once {@code every} passed since the previous checkpoint or the start of training;
 * always after the job's last step, so the final weights are on disk) and writes it with the step position, the
 * epoch's loss so far and the job's identity, keeping the newest {@code keep} ({@link CheckpointStore} writes
 * atomically and prunes). Times are {@link System#nanoTime()} readings passed in by the caller. With parameter-server
 * shards each shard writes its range and optimizer state into its part of the directory ({@link ShardCheckpoints}),
 * by steps only: every shard must checkpoint the same steps. Confined to the parameter server's compute thread.
 */
final class CheckpointPolicy
{
    private final ClusterSettings.CheckpointSettings settings;
    private final StepPlan plan;
    private final JobIdentity identity;
    private final Config job;
    private final Logger log;
    /** Where checkpoints go: the directory, or with shards this shard's part of it; null when disabled. */
    private final Path target;
    private final int keep;
    /** With shards, the range boundaries the part's layout records; else null. */
    private final long[] bounds;
    private final int shard;
    private long lastNs;
    private long lastWritten = -1;
    /** True while this part deletes none of its checkpoints ({@link #holdOlder}). */
    private boolean holding;

    /**
     * @param settings the checkpoint settings; nothing is ever due when they are not {@code enabled()}.
     * @param plan     the job's step schedule.
     * @param identity the job's identity, stored with each checkpoint.
     * @param job      the merged job configuration, stored rendered with each checkpoint.
     * @param log      where a written checkpoint is logged.
     */
    CheckpointPolicy(
        final ClusterSettings.CheckpointSettings settings, final StepPlan plan, final JobIdentity identity,
        final Config job, final Logger log)
    {
        this(settings, plan, identity, job, log, 0, null, 1);
    }

    /**
     * @param shard     this server's shard.
     * @param bounds    the shards' range boundaries, or null (or one range) for one server.
     * @param leadSteps with shards, how many steps this shard can close ahead of the slowest one (1 under sync and
     *                  backup, {@code s + 2} under ssp): its part keeps enough more checkpoints that the newest
     *                  complete ones are never deleted ({@link ShardCheckpoints#keepInPart(int, int, int)}).
     */
    CheckpointPolicy(
        final ClusterSettings.CheckpointSettings settings, final StepPlan plan, final JobIdentity identity,
        final Config job, final Logger log, final int shard, final long[] bounds, final int leadSteps)
    {
        this.settings = settings;
        this.plan = plan;
        this.identity = identity;
        this.job = job;
        this.log = log;
        final boolean sharded = null != bounds && bounds.length > 2;
        this.shard = shard;
        this.bounds = sharded ? bounds : null;
        this.target = settings.dir().map(dir -> sharded ? ShardCheckpoints.part(dir, shard, bounds.length - 1) : dir)
            .orElse(null);
        this.keep = sharded ? ShardCheckpoints.keepInPart(settings.keep(), leadSteps,
            Math.max(1, settings.everySteps())) : settings.keep();
    }

    /** Starts the time interval at {@code nowNs}, when training starts. */
    void start(final long nowNs)
    {
        lastNs = nowNs;
    }

    /**
     * Decides whether the checkpoint of {@code next} is due at {@code nowNs}: always when {@code next} is the job's
     * end ({@link StepPlan#totalSteps()}), else by the intervals. A yes restarts the time interval at
     * {@code nowNs}: the caller then {@link #write writes} it.
     *
     * @param next  the next step to compute, after the step just applied.
     * @param nowNs the time now.
     * @return true when a checkpoint of {@code next} is due.
     */
    boolean due(final long next, final long nowNs)
    {
        if (!settings.enabled())
        {
            return false;
        }
        final boolean last = next >= plan.totalSteps();
        final boolean bySteps = settings.everySteps() > 0 && next % settings.everySteps() == 0;
        // Shards must checkpoint the same steps: never by each one's clock (ShardLimits refuses the setting).
        final boolean byTime = null == bounds && !settings.every().isZero() &&
            nowNs - lastNs >= settings.every().toNanos();
        if (!last && !bySteps && !byTime)
        {
            return false;
        }
        lastNs = nowNs;
        return true;
    }

    /** @return true when checkpoints are configured (a directory and an interval). */
    boolean enabled()
    {
        return settings.enabled();
    }

    /** @return the step of the last checkpoint this policy wrote, or -1. */
    long lastWritten()
    {
        return lastWritten;
    }

    /**
     * Makes {@link #write} delete none of this part's older checkpoints while {@code hold} (then the newest
     * {@code keep} again from the next write). For the coordinator of several shards under ssp and async between a
     * drop and its acknowledgement: it alone can then close steps ahead of another shard, which still waits for the
     * dropped rank's gradient, by as many steps as the fastest worker ran ahead (unbounded under async); so rotating
     * by count could delete the newest checkpoint every shard completed. Once every shard took the drop in, each
     * is again at most a step behind it ({@link ShardCheckpoints}).
     */
    void holdOlder(final boolean hold)
    {
        holding = hold;
    }

    /**
     * Writes the checkpoint of {@code next} and deletes all but the newest {@code keep} (none while
     * {@link #holdOlder holding}).
     *
     * @param next    the next step to compute (the weights version held by {@code vectors}).
     * @param epochs  the current epoch's tally, every step before {@code next} added.
     * @param vectors the weights, then the optimizer state (contiguous float32).
     * @return the checkpoint's creation time, epoch milliseconds.
     */
    long write(final long next, final EpochTally epochs, final List<INDArray> vectors)
    {
        final long[] lengths = vectors.stream().mapToLong(INDArray::length).toArray();
        final long created = System.currentTimeMillis();
        final Checkpoint checkpoint = new Checkpoint(next, plan.shards(), plan.epochOf(next), plan.batchOf(next),
            epochs.lossSumBefore(next), epochs.examplesBefore(next), identity.fingerprint(), identity.architecture(),
            identity.configDigest(), job.root().render(ConfigRenderOptions.concise()), lengths, created);
        if (null != bounds && lastWritten < 0)
        {
            ShardCheckpoints.writeLayout(target, shard, bounds);
        }
        final Path written = CheckpointStore.write(target, checkpoint, vectors, holding ? Integer.MAX_VALUE : keep);
        log.info("checkpoint of step {} written to {}", next, written);
        lastWritten = next;
        return created;
    }
}
