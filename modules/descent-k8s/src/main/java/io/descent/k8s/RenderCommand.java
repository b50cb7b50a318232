package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code descent k8s render}: prints one job's manifests (from k8s/base) without contacting a cluster. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = "Print the Kubernetes manifests of a job (apply them with: kubectl apply -f -).")
public final class RenderCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    JobOptions job;

    @Mixin
    AccessOptions access;

    @Mixin
    TlsOptions tls;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobSpec jobSpec = job.toSpec(ref);
        final MetricsAccess metrics = access.metrics();
        final KubernetesSerialization serialization = new KubernetesSerialization();
        final List<HasMetadata> items = tls.apply(jobSpec, Manifests.render(jobSpec, serialization, metrics));
        final PrintWriter out = spec.commandLine().getOut();
        out.print(Manifests.toYaml(jobSpec, items, serialization));
        out.flush();
        return 0;
    }
}
