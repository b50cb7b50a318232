package io.descent.cluster.worker;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.data.ExampleSource;
import io.descent.nn.ModelSpec;
import io.descent.train.JobConfig;

/**
 * Everything a worker needs: the job (its configuration must match the server's), the training split it shards,
 * the model architecture, the cluster settings and this node's data plane (owned by the caller). Immutable.
 *
 * <p>The training split is read only as minibatches are filled: a {@link io.descent.data.Dataset} on the heap, or a
 * memory-mapped shard set that is never copied onto the heap, so a worker trains on data larger than its memory.
 *
 * @param job      the validated job.
 * @param train    the training split (every worker opens the same one; it reads only its shards' rows).
 * @param spec     the model architecture.
 * @param settings cluster settings.
 * @param plane    this node's data plane.
 */
public record WorkerSetup(
    JobConfig job, ExampleSource train, ModelSpec spec, ClusterSettings settings, DataPlane plane)
{
    /** Checks the settings that depend on each other: a data-plane MAC needs a cluster key. */
    public WorkerSetup
    {
        settings.dataPlane();
    }
}
