package io.descent.k8s;

import io.descent.nn.error.BadInputException;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Creates and deletes one job's resources through an API connection; what {@code descent k8s submit} and
 * {@code delete} do, and what {@code descent bench scale --k8s} does once per worker count.
 */
public final class JobLauncher
{
    /**
     * What a deletion removed and what it kept.
     *
     * @param deleted the removed resources, as Kind/name.
     * @param kept    the checkpoint volumes left in place, as Kind/name.
     */
    public record Deletion(List<String> deleted, List<String> kept)
    {
    }

    private JobLauncher()
    {
    }

    /**
     * Creates the resources of a job, refusing a namespace that does not exist and a job name already in use there,
     * so a submit never half-replaces a running job. A checkpoint claim left by an earlier job of the same name
     * ({@code delete} without {@code --checkpoints}) is kept and reused: the new server resumes from it.
     *
     * @param kube    the API connection.
     * @param job     the job, with its namespace resolved.
     * @param items   its rendered resources ({@link Manifests#render}), possibly edited by the caller.
     * @param created told a line per resource once it exists: "created Kind/name", or "reused Kind/name (...)" for a
     *                kept checkpoint claim.
     * @throws BadInputException for a missing namespace, an existing job or an unreachable server.
     */
    public static void submit(
        final KubeApi kube, final JobSpec job, final List<HasMetadata> items, final Consumer<String> created)
    {
        final String ns = job.namespace();
        requireNamespace(kube, ns);
        requireAbsent(kube, ns, job.names());
        for (final HasMetadata item : items)
        {
            final String what = item.getKind() + "/" + item.getMetadata().getName();
            if (item instanceof PersistentVolumeClaim && exists(kube, ns, item.getMetadata().getName()))
            {
                created.accept("reused " + what + " (checkpoints of an earlier run: the server resumes from them; " +
                    "descent k8s delete --checkpoints removes them)");
                continue;
            }
            kube.call("creating " + what + " in namespace " + ns,
                () -> kube.client().resource(item).inNamespace(ns).create());
            created.accept("created " + what);
        }
    }

    /**
     * Deletes a job's resources and, in the background, its pods; its checkpoint volumes only when asked. Also deletes
     * the parameter-server StatefulSet a job submitted by an earlier version has.
     *
     * @param kube        the API connection.
     * @param ns          the namespace.
     * @param names       the job's names.
     * @param checkpoints whether to delete the parameter server's checkpoint volumes too.
     * @return what was deleted and kept.
     * @throws BadInputException when there is nothing to delete.
     */
    public static Deletion delete(final KubeApi kube, final String ns, final JobNames names, final boolean checkpoints)
    {
        final List<String> deleted = new ArrayList<>();
        delete(kube, ns, deleted, "Job/" + names.workers(), c -> c.batch().v1().jobs().inNamespace(ns)
            .withName(names.workers()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
        delete(kube, ns, deleted, "Job/" + names.ps(), c -> c.batch().v1().jobs().inNamespace(ns)
            .withName(names.ps()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
        for (final String shard : shardJobs(kube, ns, names))
        {
            delete(kube, ns, deleted, "Job/" + shard, c -> c.batch().v1().jobs().inNamespace(ns)
                .withName(shard).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
        }
        // Jobs submitted by Descent 0.1 ran the server as a StatefulSet of the same name.
        delete(kube, ns, deleted, "StatefulSet/" + names.ps(), c -> c.apps().statefulSets().inNamespace(ns)
            .withName(names.ps()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
        delete(kube, ns, deleted, "Service/" + names.ps(),
            c -> c.services().inNamespace(ns).withName(names.ps()).delete());
        delete(kube, ns, deleted, "ConfigMap/" + names.config(),
            c -> c.configMaps().inNamespace(ns).withName(names.config()).delete());
        delete(kube, ns, deleted, "Secret/" + names.key(),
            c -> c.secrets().inNamespace(ns).withName(names.key()).delete());
        delete(kube, ns, deleted, "NetworkPolicy/" + names.network(),
            c -> c.network().v1().networkPolicies().inNamespace(ns).withName(names.network()).delete());
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
        return new Deletion(List.copyOf(deleted), List.copyOf(kept));
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
            () -> null != kube.client().batch().v1().jobs().inNamespace(ns).withName(names.ps()).get() ||
                null != kube.client().apps().statefulSets().inNamespace(ns).withName(names.ps()).get() ||
                null != kube.client().batch().v1().jobs().inNamespace(ns).withName(names.workers()).get());
        if (exists)
        {
            throw new BadInputException("job '" + names.job() + "' already exists in namespace " + ns + "; delete it " +
                "first (descent k8s delete --name " + names.job() + " -n " + ns + ") or choose another --name");
        }
    }

    private static boolean exists(final KubeApi kube, final String ns, final String claim)
    {
        return kube.call("looking for PersistentVolumeClaim/" + claim + " in namespace " + ns,
            () -> null != kube.client().persistentVolumeClaims().inNamespace(ns).withName(claim).get());
    }

    /** @return the names of the job's parameter-server shard Jobs other than the coordinator's ({@code --servers}). */
    private static List<String> shardJobs(final KubeApi kube, final String ns, final JobNames names)
    {
        return kube.call("listing the server shards of job '" + names.job() + "' in namespace " + ns,
            () -> kube.client().batch().v1().jobs().inNamespace(ns)
                .withLabels(names.componentLabels(JobNames.PS_COMPONENT)).list().getItems()).stream()
            .map(job -> job.getMetadata().getName())
            .filter(name -> !names.ps().equals(name))
            .sorted()
            .toList();
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
