package io.descent.k8s;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What to deploy: {@code --workers}, {@code --image}, {@code --config} and {@code --cluster-domain}. */
public final class JobOptions
{
    @Option(names = "--workers", required = true, paramLabel = "N", description = "number of workers (1..1024)")
    int workers;

    @Option(names = "--image", required = true, paramLabel = "IMG",
        description = "container image built from deploy/Dockerfile, e.g. registry.example.com/descent:0.1.0")
    String image;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the job's HOCON file")
    Path config;

    @Option(names = "--cluster-domain", paramLabel = "DOMAIN", defaultValue = "cluster.local",
        description = "the cluster's DNS domain, part of the seed address (default: ${DEFAULT-VALUE})")
    String clusterDomain;

    /**
     * @param ref the job's name and namespace.
     * @return the validated job.
     */
    public JobSpec toSpec(final JobRef ref)
    {
        return JobSpec.of(ref.names().job(), ref.namespace(), workers, image, config, clusterDomain);
    }
}
