package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code descent k8s submit}: renders a job and creates its resources ({@link JobLauncher#submit}: refuses a namespace
 * that does not exist and a job name already in use there).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = "Render a job and create it on a Kubernetes cluster.")
public final class SubmitCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    JobOptions job;

    @Mixin
    AccessOptions access;

    @Mixin
    TlsOptions tls;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobSpec validated = job.toSpec(ref);
        final MetricsAccess metrics = access.metrics();
        try (KubeApi kube = KubeApi.connect(api))
        {
            final JobSpec jobSpec = validated.withNamespace(kube.namespace(validated.namespace()));
            final List<HasMetadata> items = tls.apply(jobSpec,
                Manifests.render(jobSpec, kube.client().getKubernetesSerialization(), metrics));
            final PrintWriter out = spec.commandLine().getOut();
            JobLauncher.submit(kube, jobSpec, items, out::println);
            out.println("submitted job '" + jobSpec.names().job() + "' to namespace " + jobSpec.namespace() + " (" +
                jobSpec.workers() + " workers); follow it with: descent k8s status --name " + jobSpec.names().job() +
                " -n " + jobSpec.namespace());
            out.flush();
        }
        return 0;
    }
}
