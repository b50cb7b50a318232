package io.descent.cli.k8s;

import io.descent.nn.BadInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code descent k8s submit}: renders a job and creates its resources. Refuses a namespace that does not exist and a
 * job name already in use there (delete it first), so a submit never half-replaces a running job.
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
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobSpec validated = job.toSpec(ref);
        try (KubeApi kube = KubeApi.connect(api))
        {
            final JobSpec jobSpec = validated.withNamespace(kube.namespace(validated.namespace()));
            final String ns = jobSpec.namespace();
            requireNamespace(kube, ns);
            requireAbsent(kube, ns, jobSpec.names());
            final List<HasMetadata> items = Manifests.render(jobSpec, kube.client().getKubernetesSerialization());
            final PrintWriter out = spec.commandLine().getOut();
            for (final HasMetadata item : items)
            {
                final String what = item.getKind() + "/" + item.getMetadata().getName();
                kube.call("creating " + what + " in namespace " + ns,
                    () -> kube.client().resource(item).inNamespace(ns).create());
                out.println("created " + what);
            }
            out.println("submitted job '" + jobSpec.names().job() + "' to namespace " + ns + " (" +
                jobSpec.workers() + " workers); follow it with: descent k8s status --name " + jobSpec.names().job() +
                " -n " + ns);
            out.flush();
        }
        return 0;
    }

    private static void requireNamespace(final KubeApi kube, final String ns)
    {
        try
        {
            if (null == kube.client().namespaces().withName(ns).get())
            {
                throw new BadInputException("namespace '" + ns + "' does not exist; create it (kubectl create " +
                    "namespace " + ns + ") or choose another with --namespace");
            }
        }
        catch (final KubernetesClientException ex)
        {
            if (403 != ex.getCode())
            {
                throw kube.translate("looking up namespace " + ns, ex);
            }
            // May not read namespaces: creating the resources will tell whether it exists.
        }
    }

    private static void requireAbsent(final KubeApi kube, final String ns, final JobNames names)
    {
        final boolean exists = kube.call("looking for job '" + names.job() + "' in namespace " + ns,
            () -> null != kube.client().apps().statefulSets().inNamespace(ns).withName(names.ps()).get() ||
                null != kube.client().batch().v1().jobs().inNamespace(ns).withName(names.workers()).get());
        if (exists)
        {
            throw new BadInputException("job '" + names.job() + "' already exists in namespace " + ns + "; delete it " +
                "first (descent k8s delete --name " + names.job() + " -n " + ns + ") or choose another --name");
        }
    }
}
