package io.descent.k8s;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How to reach the API server: a kubeconfig file and context, else {@code KUBECONFIG} / {@code ~/.kube/config}, else
 * the pod's service account (in-cluster).
 */
public final class ApiOptions
{
    @Option(names = "--kubeconfig", paramLabel = "FILE",
        description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else in-cluster service account)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one)")
    String context;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "timeout of one API request, in seconds (default: ${DEFAULT-VALUE})")
    int requestTimeoutSeconds;
}
