package io.descent.k8s;

import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * What to deploy: the job ({@link JobArguments}: {@code PRESET | --config FILE}, {@code --set}, {@code --seed}, as
 * {@code descent train} takes it), {@code --workers}, {@code --servers}, {@code --image}, {@code --cluster-domain},
 * {@code --save-model} and {@code --cluster KEY=VALUE}. A picocli mixin; read on the command's thread.
 */
public final class JobOptions
{
    @Mixin
    JobArguments jobArguments;

    @Option(names = "--workers", required = true, paramLabel = "N", description = "number of workers (1..1024)")
    int workers;

    @Option(names = "--servers", paramLabel = "S", defaultValue = "1",
        description = "parameter-server shards (1..64), each its own pod holding a range of the weights " +
            "(default: ${DEFAULT-VALUE})")
    int servers;

    @Option(names = "--image", required = true, paramLabel = "IMG",
        description = "container image built from deploy/Dockerfile, e.g. registry.example.com/descent:0.1.0")
    String image;

    @Option(names = "--cluster-domain", paramLabel = "DOMAIN", defaultValue = "cluster.local",
        description = "the cluster's DNS domain, part of the seed address (default: ${DEFAULT-VALUE})")
    String clusterDomain;

    @Option(names = "--save-model", description = "the parameter server writes the trained model to " +
        JobSpec.MODEL_DIR + " on its checkpoint volume at the end (train.save-model); descent k8s status says how " +
        "to fetch it")
    boolean saveModel;

    @Option(names = "--cluster", paramLabel = "KEY=VALUE",
        description = "a descent.cluster setting for every pod, as `descent ps|worker --cluster` takes it, e.g. " +
            "consistency=backup or step-timeout=30s")
    java.util.List<String> cluster = new java.util.ArrayList<>();

    /**
     * @param ref the job's name and namespace.
     * @return the validated job, its configuration resolved (preset or file, overrides, seed, defaults).
     */
    public JobSpec toSpec(final JobRef ref)
    {
        final JobConfig job = jobArguments.job();
        return JobSpec.of(ref.names().job(), ref.namespace(), workers, image,
            saveModel ? job.withSaveModel(Path.of(JobSpec.MODEL_DIR)) : job, clusterDomain).withCluster(cluster)
            .withServers(servers);
    }
}
