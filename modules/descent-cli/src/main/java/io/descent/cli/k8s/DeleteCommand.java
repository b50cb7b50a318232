package io.descent.cli.k8s;

import io.descent.nn.BadInputException;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code descent k8s delete}: removes a job's resources and, in the background, its pods. Checkpoint volumes stay
 * unless {@code --checkpoints} is given, so a deleted job can be resumed.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = "Delete a deployed job (its checkpoint volumes are kept unless --checkpoints).")
public final class DeleteCommand implements Callable<Integer>
{
    @Mixin
    JobRef ref;

    @Mixin
    ApiOptions api;

    @Option(names = "--checkpoints", description = "also delete the parameter server's checkpoint volumes (PVCs)")
    boolean checkpoints;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JobNames names = ref.names();
        try (KubeApi kube = KubeApi.connect(api))
        {
            final String ns = kube.namespace(ref.namespace());
            final List<String> deleted = new ArrayList<>();
            delete(kube, ns, deleted, "Job/" + names.workers(), c -> c.batch().v1().jobs().inNamespace(ns)
                .withName(names.workers()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
            delete(kube, ns, deleted, "StatefulSet/" + names.ps(), c -> c.apps().statefulSets().inNamespace(ns)
                .withName(names.ps()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
            delete(kube, ns, deleted, "Service/" + names.ps(),
                c -> c.services().inNamespace(ns).withName(names.ps()).delete());
            delete(kube, ns, deleted, "ConfigMap/" + names.config(),
                c -> c.configMaps().inNamespace(ns).withName(names.config()).delete());
            delete(kube, ns, deleted, "Secret/" + names.key(),
                c -> c.secrets().inNamespace(ns).withName(names.key()).delete());
            final List<String> claims = claims(kube, ns, names);
            if (deleted.isEmpty() && (claims.isEmpty() || !checkpoints))
            {
                throw new BadInputException("no job '" + names.job() + "' in namespace " + ns + " to delete" +
                    (claims.isEmpty() ? "" : " (its checkpoint volumes remain: add --checkpoints to delete them)"));
            }
            final List<String> kept = new ArrayList<>();
            for (final String claim : claims)
            {
                if (checkpoints)
                {
                    delete(kube, ns, deleted, "PersistentVolumeClaim/" + claim,
                        c -> c.persistentVolumeClaims().inNamespace(ns).withName(claim).delete());
                }
                else
                {
                    kept.add("PersistentVolumeClaim/" + claim);
                }
            }
            final PrintWriter out = spec.commandLine().getOut();
            deleted.forEach(d -> out.println("deleted " + d));
            kept.forEach(k -> out.println("kept " + k + " (checkpoints; --checkpoints deletes it)"));
            out.println("deleted job '" + names.job() + "' from namespace " + ns);
            out.flush();
        }
        return 0;
    }

    private static List<String> claims(final KubeApi kube, final String ns, final JobNames names)
    {
        return kube.call("listing the checkpoint volumes of job '" + names.job() + "' in namespace " + ns,
            () -> kube.client().persistentVolumeClaims().inNamespace(ns)
                .withLabels(names.componentLabels(JobNames.PS_COMPONENT)).list().getItems()).stream()
            .map((PersistentVolumeClaim c) -> c.getMetadata().getName())
            .sorted()
            .toList();
    }

    private static void delete(
        final KubeApi kube,
        final String ns,
        final List<String> deleted,
        final String what,
        final Function<KubernetesClient, List<StatusDetails>> operation)
    {
        final List<StatusDetails> details = kube.call("deleting " + what + " in namespace " + ns,
            () -> operation.apply(kube.client()));
        if (!details.isEmpty())
        {
            deleted.add(what);
        }
    }
}
