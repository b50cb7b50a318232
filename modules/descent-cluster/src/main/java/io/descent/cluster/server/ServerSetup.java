package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.plan.StepPlan;
import io.descent.data.SourceSplits;
import io.descent.nn.ModelSpec;
import io.descent.train.JobConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a parameter server needs: the job, its data (validation and test splits are evaluated on the server),
 * the model architecture, the step plan, the cluster settings, this node's data plane and an optional checkpoint
 * directory to resume from. Immutable; the data plane is owned by the caller. The splits are sources (in memory or
 * memory-mapped shards): evaluation streams them batch by batch.
 *
 * @param job      the validated job.
 * @param data     the job's splits.
 * @param spec     the model architecture.
 * @param plan     the step plan (shards = configured workers).
 * @param settings cluster settings.
 * @param plane    this node's data plane.
 * @param resume   directory holding checkpoints to continue from, or empty for a fresh start.
 * @param role     which parameter-server shard this process is ({@link ShardRole#COORDINATOR} for one server).
 */
public record ServerSetup(
    JobConfig job,
    SourceSplits data,
    ModelSpec spec,
    StepPlan plan,
    ClusterSettings settings,
    DataPlane plane,
    Optional<Path> resume,
    ShardRole role)
{
    /** Checks the settings that depend on each other: a data-plane MAC needs a cluster key. */
    public ServerSetup
    {
        settings.dataPlane();
    }

    /**
     * @param job      the validated job.
     * @param data     the job's splits.
     * @param spec     the model architecture.
     * @param settings cluster settings (its worker count sizes the plan).
     * @param plane    this node's data plane.
     * @param resume   checkpoint directory to resume from, or empty.
     * @return the setup with the plan derived from the job.
     */
    public static ServerSetup of(
        final JobConfig job,
        final SourceSplits data,
        final ModelSpec spec,
        final ClusterSettings settings,
        final DataPlane plane,
        final Optional<Path> resume)
    {
        return new ServerSetup(job, data, spec, plan(job, data, settings.workers()), settings, plane, resume,
            ShardRole.COORDINATOR);
    }

    /** @return this setup for a follower shard. */
    public ServerSetup withRole(final ShardRole newRole)
    {
        return new ServerSetup(job, data, spec, plan, settings, plane, resume, newRole);
    }

    /** @return the step schedule of {@code job} on {@code data} with {@code workers} workers. */
    public static StepPlan plan(final JobConfig job, final SourceSplits data, final int workers)
    {
        return new StepPlan(data.train().size(), workers, job.train().batchSize(), job.train().epochs(), job.seed());
    }
}
