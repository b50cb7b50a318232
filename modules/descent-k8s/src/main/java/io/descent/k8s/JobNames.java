package io.descent.k8s;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The names and labels of one Descent job's Kubernetes resources, all derived from the job name. The kustomize base
 * uses the job name {@code descent}: {@code descent-ps} (headless Service and the parameter server's Job, whose pod has
 * the hostname {@code descent-ps-0}), {@code descent-worker} (indexed Job), {@code descent-checkpoints} (the server's
 * PersistentVolumeClaim), {@code descent-config} (ConfigMap), {@code descent-key} (Secret), {@code descent-network}
 * (NetworkPolicy).
 *
 * @param job the job name, a DNS-1035 label.
 */
public record JobNames(String job)
{
    /** Label naming the application; always {@value #APP}. */
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    /** Label carrying the job name. */
    public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    /** Label carrying the role: {@value #PS_COMPONENT} or {@value #WORKER_COMPONENT}. */
    public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    /** Value of {@link #NAME_LABEL}. */
    public static final String APP = "descent";
    /** Component of the parameter server's resources. */
    public static final String PS_COMPONENT = "parameter-server";
    /** Component of the workers' resources. */
    public static final String WORKER_COMPONENT = "worker";
    /** The job name of the kustomize base. */
    public static final String BASE_JOB = "descent";
    /** Key of the job's HOCON in the ConfigMap. */
    public static final String CONFIG_KEY = "job.conf";
    /** Key of the shared key in the Secret. */
    public static final String CLUSTER_KEY = "cluster-key";

    /** @return name of the parameter server's headless Service and Job (the pod's subdomain). */
    public String ps()
    {
        return job + "-ps";
    }

    /** @return name of the workers' indexed Job. */
    public String workers()
    {
        return job + "-worker";
    }

    /** @return name of the PersistentVolumeClaim holding the parameter server's checkpoints. */
    public String checkpoints()
    {
        return job + "-checkpoints";
    }

    /** @return name of the ConfigMap holding the job's HOCON. */
    public String config()
    {
        return job + "-config";
    }

    /** @return name of the NetworkPolicy that lets only the job's pods reach its Akka and Aeron ports. */
    public String network()
    {
        return job + "-network";
    }

    /** @return name of the Secret holding the cluster's shared key. */
    public String key()
    {
        return job + "-key";
    }

    /**
     * @return the hostname of the parameter server's pod, the Akka seed: with the Service as subdomain, its DNS name
     * {@code <job>-ps-0.<job>-ps.<namespace>.svc.<domain>} stays the same across the pods the Job makes.
     */
    public String seedHostname()
    {
        return ps() + "-0";
    }

    /**
     * @param shard a parameter-server shard after the coordinator, 1 .. S − 1.
     * @return the name of its Job, and its pod's hostname: {@code <job>-ps-<shard>} (the coordinator's pod is
     * {@link #seedHostname()}), with the headless Service {@link #ps()} as subdomain.
     */
    public String shard(final int shard)
    {
        return ps() + "-" + shard;
    }

    /** @return the name of the PersistentVolumeClaim of parameter-server shard {@code shard} (≥ 1). */
    public String shardCheckpoints(final int shard)
    {
        return checkpoints() + "-" + shard;
    }

    /** @return labels selecting every resource of this job. */
    public Map<String, String> jobLabels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME_LABEL, APP);
        labels.put(INSTANCE_LABEL, job);
        return labels;
    }

    /**
     * @param component {@link #PS_COMPONENT} or {@link #WORKER_COMPONENT}.
     * @return labels selecting this job's resources of that component.
     */
    public Map<String, String> componentLabels(final String component)
    {
        final Map<String, String> labels = jobLabels();
        labels.put(COMPONENT_LABEL, component);
        return labels;
    }
}
