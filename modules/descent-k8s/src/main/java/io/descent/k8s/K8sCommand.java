package io.descent.k8s;

import picocli.CommandLine.Command;

/**
 * {@code descent k8s}: render a job's manifests from k8s/base, and submit, watch, read and delete jobs on a cluster
 * through the fabric8 client (kubeconfig or in-cluster service account).
 */
@Command(
    name = "k8s",
    mixinStandardHelpOptions = true,
    description = "Run jobs on Kubernetes: a parameter-server Job of one pod and an indexed Job of N workers.",
    subcommands = {
        RenderCommand.class, SubmitCommand.class, StatusCommand.class, LogsCommand.class, DeleteCommand.class })
public final class K8sCommand
{
}
