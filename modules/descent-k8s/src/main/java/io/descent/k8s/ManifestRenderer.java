package io.descent.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the kustomize base into one job's manifests: names and labels from the job name, the image, the worker
 * count (the workers' Job completions and the server's DESCENT_WORKERS), the job's HOCON, the shared key, the seed
 * address (the server pod's hostname and subdomain), the checkpoint claim and the memory plan. The base holds two Jobs,
 * told apart by their {@value JobNames#COMPONENT_LABEL} label: the parameter server's and the workers'. The
 * NetworkPolicy selects the job's pods and lets only them reach the Akka and Aeron ports, and the metrics port only
 * from {@link MetricsAccess}. Everything else (probes, ports, security contexts, volumes) comes from the base unchanged.
 */
public final class ManifestRenderer
{
    /** Akka's container port name. */
    public static final String AKKA_PORT = "akka";

    private final BaseManifests base;

    /**
     * @param base the packaged kustomize base.
     */
    public ManifestRenderer(final BaseManifests base)
    {
        this.base = base;
    }

    /**
     * @param job        the job to deploy.
     * @param clusterKey the shared key to put in the Secret.
     * @return the job's resources, in kustomization order, metrics reachable from {@link MetricsAccess#DEFAULT}; the
     *         caller owns them.
     */
    public List<HasMetadata> render(final JobSpec job, final String clusterKey)
    {
        return render(job, clusterKey, MetricsAccess.DEFAULT);
    }

    /**
     * @param job        the job to deploy.
     * @param clusterKey the shared key to put in the Secret.
     * @param metrics    who may reach the pods' metrics port.
     * @return the job's resources, in kustomization order; the caller owns them.
     */
    public List<HasMetadata> render(final JobSpec job, final String clusterKey, final MetricsAccess metrics)
    {
        final List<HasMetadata> items = base.load();
        for (final HasMetadata item : items)
        {
            item.getMetadata().setName(nameOf(item, job.names()));
            PodTemplates.relabel(item.getMetadata().getLabels(), job.names());
            if (null != job.namespace())
            {
                item.getMetadata().setNamespace(job.namespace());
            }
            if (item instanceof ConfigMap configMap)
            {
                configMap.getData().put(JobNames.CONFIG_KEY, job.jobConfig());
            }
            else if (item instanceof Secret secret)
            {
                secret.setStringData(new LinkedHashMap<>(Map.of(JobNames.CLUSTER_KEY, clusterKey)));
            }
            else if (item instanceof Service service)
            {
                PodTemplates.relabel(service.getSpec().getSelector(), job.names());
            }
            else if (item instanceof NetworkPolicy policy)
            {
                NetworkPolicies.render(policy, job.names(), metrics);
            }
            else if (item instanceof Job batch && isParameterServer(batch))
            {
                renderParameterServer(batch, job);
            }
            else if (item instanceof Job workers)
            {
                renderWorkers(workers, job);
            }
        }
        if (job.servers() > 1)
        {
            addShards(items, job);
        }
        return items;
    }

    /**
     * Parameter-server shards: the coordinator (the base's server, the seed) is told the shard count, and each further
     * shard I is a Job of one pod like it, from a fresh copy of the base: hostname {@code <job>-ps-I} under the same
     * headless Service (its own DNS name), a checkpoint claim of its own, and {@code --shard I --shards S --join seed}.
     * The NetworkPolicy covers them as it does every pod of the job (same labels, same named ports); the workers need
     * only the seed: the coordinator tells them every shard's data-plane endpoint.
     */
    private void addShards(final List<HasMetadata> items, final JobSpec job)
    {
        final Job coordinator = items.stream().filter(item -> item instanceof Job batch && isParameterServer(batch))
            .map(Job.class::cast).findFirst().orElseThrow();
        final Container seed = PodTemplates.container(coordinator.getSpec().getTemplate().getSpec());
        args(seed, "--shards " + job.servers());
        final String join = seedHost(job) + ":" + PodTemplates.port(seed, AKKA_PORT);
        final List<HasMetadata> claims = new java.util.ArrayList<>();
        final List<HasMetadata> servers = new java.util.ArrayList<>();
        for (int shard = 1; shard < job.servers(); shard++)
        {
            for (final HasMetadata item : base.load())
            {
                if (item instanceof PersistentVolumeClaim claim)
                {
                    claims.add(shardItem(claim, job.names().shardCheckpoints(shard), job));
                }
                else if (item instanceof Job batch && isParameterServer(batch))
                {
                    renderParameterServer(batch, job);
                    final PodTemplateSpec template = batch.getSpec().getTemplate();
                    template.getSpec().setHostname(job.names().shard(shard));
                    PodTemplates.volume(template.getSpec(), PodTemplates.CHECKPOINT_VOLUME).getPersistentVolumeClaim()
                        .setClaimName(job.names().shardCheckpoints(shard));
                    final Container container = PodTemplates.container(template.getSpec());
                    PodTemplates.env(container, "DESCENT_HOST").setValue(shardHost(job, shard));
                    args(container, "--shard " + shard + " --shards " + job.servers() + " --join " + join);
                    servers.add(shardItem(batch, job.names().shard(shard), job));
                }
            }
        }
        items.addAll(claims);
        items.addAll(servers);
    }

    private static HasMetadata shardItem(final HasMetadata item, final String name, final JobSpec job)
    {
        item.getMetadata().setName(name);
        PodTemplates.relabel(item.getMetadata().getLabels(), job.names());
        if (null != job.namespace())
        {
            item.getMetadata().setNamespace(job.namespace());
        }
        return item;
    }

    /** Adds to the container's DESCENT_ARGS (extra command-line arguments, see deploy/entrypoint.sh). */
    private static void args(final Container container, final String args)
    {
        final EnvVar existing = container.getEnv().stream().filter(env -> "DESCENT_ARGS".equals(env.getName()))
            .findFirst().orElse(null);
        if (null == existing)
        {
            container.getEnv().add(new EnvVar("DESCENT_ARGS", args, null));
        }
        else
        {
            existing.setValue((null == existing.getValue() ? "" : existing.getValue().trim() + " ") + args);
        }
    }

    /**
     * @param job   the job.
     * @param shard a parameter-server shard after the coordinator.
     * @return the DNS name of that shard's pod (as {@link #seedHost} for the coordinator).
     */
    public static String shardHost(final JobSpec job, final int shard)
    {
        return job.names().shard(shard) + "." + job.names().ps() + "." + namespaceTerm(job) + ".svc." +
            job.clusterDomain();
    }

    /**
     * @param job the job.
     * @return the DNS name of the Akka seed (first parameter-server pod), or with {@code $(POD_NAMESPACE)} when the
     *         namespace is left to the cluster.
     */
    public static String seedHost(final JobSpec job)
    {
        return job.names().seedHostname() + "." + job.names().ps() + "." + namespaceTerm(job) + ".svc." +
            job.clusterDomain();
    }

    private static String namespaceTerm(final JobSpec job)
    {
        return null != job.namespace() ? job.namespace() : "$(POD_NAMESPACE)";
    }

    private static String nameOf(final HasMetadata item, final JobNames names)
    {
        if (item instanceof ConfigMap)
        {
            return names.config();
        }
        if (item instanceof Secret)
        {
            return names.key();
        }
        if (item instanceof PersistentVolumeClaim)
        {
            return names.checkpoints();
        }
        if (item instanceof NetworkPolicy)
        {
            return names.network();
        }
        if (item instanceof Service || item instanceof Job batch && isParameterServer(batch))
        {
            return names.ps();
        }
        if (item instanceof Job)
        {
            return names.workers();
        }
        throw new IllegalStateException("the base holds a " + item.getKind() + " that render does not know");
    }

    /** @return whether {@code job} of the base is the parameter server's (by its component label). */
    public static boolean isParameterServer(final Job job)
    {
        final Map<String, String> labels = job.getMetadata().getLabels();
        return null != labels && JobNames.PS_COMPONENT.equals(labels.get(JobNames.COMPONENT_LABEL));
    }

    private static void renderParameterServer(final Job server, final JobSpec job)
    {
        final JobNames names = job.names();
        final PodTemplateSpec template = server.getSpec().getTemplate();
        renderPod(template, job, MemoryPlan.parameterServer(job.workers()));
        template.getSpec().setHostname(names.seedHostname());
        template.getSpec().setSubdomain(names.ps());
        PodTemplates.volume(template.getSpec(), PodTemplates.CHECKPOINT_VOLUME).getPersistentVolumeClaim()
            .setClaimName(names.checkpoints());
        final Container container = PodTemplates.container(template.getSpec());
        PodTemplates.env(container, "DESCENT_HOST").setValue(seedHost(job));
        PodTemplates.env(container, "DESCENT_WORKERS").setValue(Integer.toString(job.workers()));
    }

    private static void renderWorkers(final Job workers, final JobSpec job)
    {
        workers.getSpec().setCompletions(job.workers());
        workers.getSpec().setParallelism(job.workers());
        workers.getSpec().setBackoffLimit(6 * job.workers());
        final PodTemplateSpec template = workers.getSpec().getTemplate();
        renderPod(template, job, MemoryPlan.worker());
        final Container container = PodTemplates.container(template.getSpec());
        final int akkaPort = PodTemplates.port(container, AKKA_PORT);
        PodTemplates.env(container, "DESCENT_SEED").setValue(seedHost(job) + ":" + akkaPort);
    }

    private static void renderPod(final PodTemplateSpec template, final JobSpec job, final MemoryPlan plan)
    {
        PodTemplates.relabel(template.getMetadata().getLabels(), job.names());
        PodTemplates.container(template.getSpec()).setImage(job.image());
        PodTemplates.useJobObjects(template.getSpec(), job.names());
        PodTemplates.applyMemory(template.getSpec(), plan);
        if (!job.cluster().isEmpty())
        {
            // After the base's own settings: the entrypoint passes them in order, and a later --cluster wins.
            final EnvVar settings = PodTemplates.env(PodTemplates.container(template.getSpec()), "DESCENT_CLUSTER");
            final String base = null == settings.getValue() ? "" : settings.getValue().trim();
            settings.setValue((base.isEmpty() ? "" : base + " ") + String.join(" ", job.cluster()));
        }
    }
}
