package io.descent.cluster.worker;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.data.Dataset;
import io.descent.nn.ModelSpec;
import io.descent.train.JobConfig;

/**
 * Everything a worker needs: the job (its configuration must match the server's), the training split it shards,
 * the model architecture, the cluster settings and this node's data plane (owned by the caller). Immutable.
 *
 * @param job      the validated job.
 * @param train    the training split (every worker loads the same one; it visits only its shards).
 * @param spec     the model architecture.
 * @param settings cluster settings.
 * @param plane    this node's data plane.
 */
public record WorkerSetup(JobConfig job, Dataset train, ModelSpec spec, ClusterSettings settings, DataPlane plane)
{
}
