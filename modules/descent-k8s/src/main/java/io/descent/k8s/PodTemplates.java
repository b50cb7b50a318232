package io.descent.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.util.Map;

/**
 * Reads and edits the pod templates of the base: the {@value #CONTAINER} container, its environment, ports, memory and
 * volumes. Each lookup fails loudly when the base lacks what it looks for, since render and base must agree.
 */
public final class PodTemplates
{
    /** Name of the one container of every Descent pod. */
    public static final String CONTAINER = "descent";
    /** Volume of the job's ConfigMap. */
    public static final String CONFIG_VOLUME = "config";
    /** Memory {@code emptyDir} mounted at /dev/shm. */
    public static final String SHM_VOLUME = "dshm";
    /** Disk {@code emptyDir} mounted at /tmp: the root file system is read-only. */
    public static final String TMP_VOLUME = "tmp";
    /**
     * The job's Secret, mounted read-only: the cluster key is a file ({@code DESCENT_CLUSTER_KEY_FILE}), never an
     * environment variable. Further Secrets (TLS material) belong in volumes of their own beside it.
     */
    public static final String KEY_VOLUME = "cluster-key";
    /** The parameter server's checkpoint volume (the job's PersistentVolumeClaim). */
    public static final String CHECKPOINT_VOLUME = "checkpoints";

    private PodTemplates()
    {
    }

    /** @return the {@value #CONTAINER} container of {@code pod}. */
    public static Container container(final PodSpec pod)
    {
        return pod.getContainers().stream()
            .filter(c -> CONTAINER.equals(c.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("pod template has no container '" + CONTAINER + "'"));
    }

    /** @return the environment variable {@code name} of {@code container}. */
    public static EnvVar env(final Container container, final String name)
    {
        return container.getEnv().stream()
            .filter(e -> name.equals(e.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(
                "container '" + container.getName() + "' has no env " + name));
    }

    /** @return the port named {@code name} of {@code container}. */
    public static int port(final Container container, final String name)
    {
        return container.getPorts().stream()
            .filter(p -> name.equals(p.getName()))
            .map(ContainerPort::getContainerPort)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException(
                "container '" + container.getName() + "' has no port " + name));
    }

    /** @return the mount of volume {@code name} in {@code container}. */
    public static VolumeMount mount(final Container container, final String name)
    {
        return container.getVolumeMounts().stream()
            .filter(m -> name.equals(m.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("container '" + container.getName() + "' mounts no " + name));
    }

    /** @return the volume {@code name} of {@code pod}. */
    public static Volume volume(final PodSpec pod, final String name)
    {
        return pod.getVolumes().stream()
            .filter(v -> name.equals(v.getName()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("pod template has no volume " + name));
    }

    /** Points the config volume at the job's ConfigMap and the key volume at the job's Secret. */
    public static void useJobObjects(final PodSpec pod, final JobNames names)
    {
        volume(pod, CONFIG_VOLUME).getConfigMap().setName(names.config());
        volume(pod, KEY_VOLUME).getSecret().setSecretName(names.key());
    }

    /** Sizes /dev/shm, the container's memory and the JVM's limits after {@code plan}. */
    public static void applyMemory(final PodSpec pod, final MemoryPlan plan)
    {
        volume(pod, SHM_VOLUME).getEmptyDir().setSizeLimit(new Quantity(plan.shmMiB() + "Mi"));
        final Container container = container(pod);
        final Quantity memory = new Quantity(plan.limitMiB() + "Mi");
        container.getResources().getRequests().put("memory", memory);
        container.getResources().getLimits().put("memory", memory);
        env(container, "DESCENT_HEAP").setValue(plan.heapMiB() + "m");
        env(container, "DESCENT_MAX_OFFHEAP").setValue(plan.offHeapMiB() + "M");
        env(container, "DESCENT_MAX_PHYSICAL").setValue(plan.physicalMiB() + "M");
    }

    /** Sets the job's instance label where {@code labels} has one (the base's labels all do). */
    public static void relabel(final Map<String, String> labels, final JobNames names)
    {
        if (null != labels && labels.containsKey(JobNames.INSTANCE_LABEL))
        {
            labels.put(JobNames.INSTANCE_LABEL, names.job());
        }
    }
}
