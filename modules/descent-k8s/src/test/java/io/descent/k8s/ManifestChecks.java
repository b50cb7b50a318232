package io.descent.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asserts that a job's manifests fit together: names, labels and selectors, ports between Service and pods, the
 * ConfigMap and Secret the pods use, probes, /dev/shm and memory, the seed address, the worker count, and the server's
 * Job: restarts, checkpoint claim and resume.
 */
final class ManifestChecks
{
    /** A small job file the manifest tests render. */
    static final String JOB = "job { name = demo, seed = 7 }\ntrain { epochs = 2 }\n";

    /**
     * @param yaml one manifest, a list or a multi-document stream.
     * @return its objects.
     */
    static List<HasMetadata> parse(final String yaml)
    {
        final Object parsed = new KubernetesSerialization().unmarshal(yaml);
        if (parsed instanceof KubernetesList list)
        {
            return list.getItems();
        }
        if (parsed instanceof List<?> list)
        {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata)parsed);
    }

    private final List<HasMetadata> items;
    private final JobNames names;

    ManifestChecks(final List<HasMetadata> items, final JobNames names)
    {
        this.items = items;
        this.names = names;
    }

    <T extends HasMetadata> T one(final Class<T> type)
    {
        final List<T> found = items.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), () -> "one " + type.getSimpleName() + " expected");
        return found.get(0);
    }

    /** @return the parameter server's Job (component label parameter-server). */
    Job ps()
    {
        return job(true);
    }

    /** @return the workers' Job. */
    Job workers()
    {
        return job(false);
    }

    private Job job(final boolean server)
    {
        final List<Job> found = items.stream().filter(Job.class::isInstance).map(Job.class::cast)
            .filter(j -> server == ManifestRenderer.isParameterServer(j)).toList();
        assertEquals(1, found.size(), () -> "one " + (server ? "server" : "worker") + " Job expected");
        return found.get(0);
    }

    static Container container(final PodTemplateSpec template)
    {
        return PodTemplates.container(template.getSpec());
    }

    static String env(final PodTemplateSpec template, final String name)
    {
        return PodTemplates.env(container(template), name).getValue();
    }

    /** Runs every check for a job of {@code workers} workers on {@code image} in {@code namespace} (may be null). */
    void checkAll(final String namespace, final int workers, final String image, final String clusterDomain)
    {
        checkAll(namespace, workers, image, clusterDomain, MetricsAccess.DEFAULT);
    }

    /** As {@link #checkAll(String, int, String, String)}, metrics reachable from {@code metrics}. */
    void checkAll(final String namespace, final int workers, final String image, final String clusterDomain,
        final MetricsAccess metrics)
    {
        checkNetworkPolicy(metrics);
        checkNamesAndLabels(namespace);
        checkServiceMatchesServer();
        checkWorkers(workers);
        final String nsTerm = null == namespace ? "$(POD_NAMESPACE)" : namespace;
        for (final PodTemplateSpec template : List.of(ps().getSpec().getTemplate(), workers().getSpec().getTemplate()))
        {
            checkPod(template, image);
            checkHardening(template);
        }
        checkMemory(ps().getSpec().getTemplate(), MemoryPlan.parameterServer(workers));
        checkMemory(workers().getSpec().getTemplate(), MemoryPlan.worker());
        checkSeed(nsTerm, clusterDomain);
        checkCheckpoints(workers);
    }

    void checkNamesAndLabels(final String namespace)
    {
        assertEquals(7, items.size(),
            "ConfigMap, Secret, Service, NetworkPolicy, PersistentVolumeClaim, server Job, worker Job");
        assertEquals(names.network(), one(NetworkPolicy.class).getMetadata().getName());
        assertEquals(names.config(), one(ConfigMap.class).getMetadata().getName());
        assertEquals(names.key(), one(Secret.class).getMetadata().getName());
        assertEquals(names.ps(), one(Service.class).getMetadata().getName());
        assertEquals(names.ps(), ps().getMetadata().getName());
        assertEquals(names.workers(), workers().getMetadata().getName());
        for (final HasMetadata item : items)
        {
            assertEquals(namespace, item.getMetadata().getNamespace(), item.getKind());
            assertContains(item.getMetadata().getLabels(), names.jobLabels(), item.getKind() + " labels");
        }
        assertEquals(names.checkpoints(), one(PersistentVolumeClaim.class).getMetadata().getName());
        assertContains(ps().getMetadata().getLabels(), names.componentLabels(JobNames.PS_COMPONENT), "server Job");
        assertContains(workers().getMetadata().getLabels(), names.componentLabels(JobNames.WORKER_COMPONENT),
            "worker Job");
        assertContains(ps().getSpec().getTemplate().getMetadata().getLabels(),
            names.componentLabels(JobNames.PS_COMPONENT), "server pod labels");
        assertContains(workers().getSpec().getTemplate().getMetadata().getLabels(),
            names.componentLabels(JobNames.WORKER_COMPONENT), "worker pod labels");
        assertContains(one(PersistentVolumeClaim.class).getMetadata().getLabels(),
            names.componentLabels(JobNames.PS_COMPONENT), "checkpoint claim labels (delete finds it by them)");
    }

    void checkServiceMatchesServer()
    {
        final Service service = one(Service.class);
        final Job ps = ps();
        assertEquals("None", service.getSpec().getClusterIP(), "headless");
        assertEquals(Boolean.TRUE, service.getSpec().getPublishNotReadyAddresses(), "seed resolvable before ready");
        assertEquals(service.getMetadata().getName(), ps.getSpec().getTemplate().getSpec().getSubdomain(),
            "the pod's DNS name is <hostname>.<service>");
        assertEquals(names.seedHostname(), ps.getSpec().getTemplate().getSpec().getHostname());
        assertEquals(names.componentLabels(JobNames.PS_COMPONENT), service.getSpec().getSelector());
        assertContains(ps.getSpec().getTemplate().getMetadata().getLabels(), service.getSpec().getSelector(),
            "server pod labels match the selector");
        final List<ContainerPort> ports = container(ps.getSpec().getTemplate()).getPorts();
        for (final ServicePort port : service.getSpec().getPorts())
        {
            final ContainerPort target = ports.stream()
                .filter(p -> p.getName().equals(port.getTargetPort().getStrVal()))
                .findFirst().orElseThrow(() -> new AssertionError("no container port " + port.getTargetPort()));
            assertEquals(port.getPort(), target.getContainerPort(), port.getName());
            assertEquals(port.getProtocol(), target.getProtocol(), port.getName());
        }
        assertEquals(List.of("akka/TCP", "aeron/UDP", "http/TCP"),
            service.getSpec().getPorts().stream().map(p -> p.getName() + "/" + p.getProtocol()).toList());
    }

    void checkWorkers(final int workers)
    {
        final Job job = workers();
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        assertEquals(workers, job.getSpec().getCompletions());
        assertEquals(workers, job.getSpec().getParallelism());
        assertEquals(Integer.toString(workers), env(ps().getSpec().getTemplate(), "DESCENT_WORKERS"));
        assertEquals("metadata.annotations['" + StatusReader.INDEX_ANNOTATION + "']",
            PodTemplates.env(container(job.getSpec().getTemplate()), "DESCENT_RANK").getValueFrom().getFieldRef()
                .getFieldPath());
        assertEquals("worker", env(job.getSpec().getTemplate(), "DESCENT_ROLE"));
        assertEquals("ps", env(ps().getSpec().getTemplate(), "DESCENT_ROLE"));
    }

    void checkPod(final PodTemplateSpec template, final String image)
    {
        final PodSpec pod = template.getSpec();
        final Container container = container(template);
        assertEquals(image, container.getImage());
        final Map<String, ContainerPort> ports = ports(container);
        assertEquals("TCP", ports.get("akka").getProtocol());
        assertEquals("UDP", ports.get("aeron").getProtocol());
        assertEquals(9404, ports.get("http").getContainerPort());
        for (final Probe probe : List.of(container.getStartupProbe(), container.getReadinessProbe(),
            container.getLivenessProbe()))
        {
            assertEquals("/health", probe.getHttpGet().getPath());
            assertEquals("http", probe.getHttpGet().getPort().getStrVal());
        }
        assertEquals("/metrics", template.getMetadata().getAnnotations().get("prometheus.io/path"));
        final Volume config = PodTemplates.volume(pod, PodTemplates.CONFIG_VOLUME);
        assertEquals(names.config(), config.getConfigMap().getName());
        assertTrue(one(ConfigMap.class).getData().containsKey(JobNames.CONFIG_KEY));
        assertEquals(PodTemplates.mount(container, PodTemplates.CONFIG_VOLUME).getMountPath() + "/" +
            JobNames.CONFIG_KEY, env(template, "DESCENT_CONFIG"));
        final Volume key = PodTemplates.volume(pod, PodTemplates.KEY_VOLUME);
        assertEquals(names.key(), key.getSecret().getSecretName());
        assertEquals(List.of(JobNames.CLUSTER_KEY), key.getSecret().getItems().stream().map(KeyToPath::getKey).toList());
        assertNotNull(one(Secret.class).getStringData().get(JobNames.CLUSTER_KEY));
        final VolumeMount keyMount = PodTemplates.mount(container, PodTemplates.KEY_VOLUME);
        assertEquals(Boolean.TRUE, keyMount.getReadOnly());
        assertEquals(keyMount.getMountPath() + "/" + key.getSecret().getItems().get(0).getPath(),
            env(template, "DESCENT_CLUSTER_KEY_FILE"), "the entrypoint passes the mounted file");
        assertTrue(env(template, "DESCENT_BIND").endsWith(":" + ports.get("akka").getContainerPort()));
        assertEquals("$(POD_IP):" + ports.get("aeron").getContainerPort(), env(template, "DESCENT_AERON"));
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(10001L, pod.getSecurityContext().getRunAsUser());
        assertTrue(pod.getTerminationGracePeriodSeconds() >= 60, "time for a clean exit");
    }

    /**
     * The pod's hardening: no service-account token, a read-only root file system with writable volumes where the
     * node writes (/dev/shm, /tmp), non-root without privileges or capabilities under the runtime's seccomp profile,
     * and the cluster key only as a file from the Secret (no environment variable carries a Secret).
     */
    void checkHardening(final PodTemplateSpec template)
    {
        final PodSpec pod = template.getSpec();
        final Container container = container(template);
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "no service-account token");
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        final SecurityContext security = container.getSecurityContext();
        assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem());
        assertEquals(Boolean.TRUE, security.getRunAsNonRoot());
        assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation());
        assertEquals(Boolean.FALSE, security.getPrivileged());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertTrue(null == security.getCapabilities().getAdd() || security.getCapabilities().getAdd().isEmpty());
        assertEquals("RuntimeDefault", security.getSeccompProfile().getType());
        final Map<String, String> writable = new java.util.TreeMap<>();
        for (final VolumeMount mount : container.getVolumeMounts())
        {
            final Volume volume = PodTemplates.volume(pod, mount.getName());
            if (!Boolean.TRUE.equals(mount.getReadOnly()) && null == volume.getConfigMap() && null == volume.getSecret())
            {
                writable.put(mount.getMountPath(), mount.getName());
            }
        }
        assertEquals("dshm", writable.get("/dev/shm"), "Aeron's directory");
        assertEquals(PodTemplates.TMP_VOLUME, writable.get("/tmp"), "JavaCPP's cache and the JVM's temporary files");
        assertNotNull(PodTemplates.volume(pod, PodTemplates.TMP_VOLUME).getEmptyDir().getSizeLimit());
        for (final EnvVar var : container.getEnv())
        {
            assertTrue(null == var.getValueFrom() || null == var.getValueFrom().getSecretKeyRef(),
                var.getName() + " carries a Secret in the environment");
        }
        assertTrue(container.getEnv().stream().noneMatch(e -> "DESCENT_CLUSTER_KEY".equals(e.getName())));
    }

    /**
     * The NetworkPolicy selects exactly the job's pods; only they reach Akka and Aeron (ports named as the containers
     * name them, with their protocols), and only {@code metrics} reaches the metrics port.
     */
    void checkNetworkPolicy(final MetricsAccess metrics)
    {
        final NetworkPolicy policy = one(NetworkPolicy.class);
        assertEquals(List.of("Ingress"), policy.getSpec().getPolicyTypes());
        assertEquals(names.jobLabels(), policy.getSpec().getPodSelector().getMatchLabels());
        for (final Job job : List.of(ps(), workers()))
        {
            assertContains(job.getSpec().getTemplate().getMetadata().getLabels(),
                policy.getSpec().getPodSelector().getMatchLabels(), "the policy selects the pods");
        }
        final NetworkPolicyIngressRule own = NetworkPolicies.jobRule(policy);
        assertEquals(1, own.getFrom().size());
        assertEquals(names.jobLabels(), own.getFrom().get(0).getPodSelector().getMatchLabels());
        assertNull(own.getFrom().get(0).getNamespaceSelector(), "the job's own namespace only");
        assertNull(own.getFrom().get(0).getIpBlock());
        assertEquals(List.of("akka/TCP", "aeron/UDP"), own.getPorts().stream()
            .map(p -> p.getPort().getStrVal() + "/" + p.getProtocol()).toList());
        for (final Job job : List.of(ps(), workers()))
        {
            final Map<String, ContainerPort> ports = ports(container(job.getSpec().getTemplate()));
            for (final NetworkPolicyPort port : own.getPorts())
            {
                assertEquals(port.getProtocol(), ports.get(port.getPort().getStrVal()).getProtocol(),
                    "the policy names the container's port " + port.getPort().getStrVal());
            }
            assertNotNull(ports.get(NetworkPolicies.METRICS_PORT));
        }
        final List<NetworkPolicyIngressRule> scrape = policy.getSpec().getIngress().stream()
            .filter(NetworkPolicies::opensMetrics).toList();
        if (metrics.none())
        {
            assertEquals(List.of(), scrape, "nobody but the node reaches the metrics");
            assertEquals(1, policy.getSpec().getIngress().size());
            return;
        }
        assertEquals(2, policy.getSpec().getIngress().size());
        assertEquals(1, scrape.size());
        assertEquals(List.of("http/TCP"), scrape.get(0).getPorts().stream()
            .map(p -> p.getPort().getStrVal() + "/" + p.getProtocol()).toList());
        assertEquals(1, scrape.get(0).getFrom().size());
        final NetworkPolicyPeer peer = scrape.get(0).getFrom().get(0);
        assertNull(peer.getIpBlock());
        if (null == metrics.namespace())
        {
            assertNull(peer.getNamespaceSelector());
        }
        else
        {
            assertEquals(Map.of(MetricsAccess.NAMESPACE_NAME_LABEL, metrics.namespace()),
                peer.getNamespaceSelector().getMatchLabels());
        }
        if (metrics.podLabels().isEmpty())
        {
            assertNull(peer.getPodSelector(), "any pod of the namespace");
        }
        else
        {
            assertEquals(metrics.podLabels(), peer.getPodSelector().getMatchLabels());
        }
    }

    void checkMemory(final PodTemplateSpec template, final MemoryPlan plan)
    {
        final Container container = container(template);
        final Volume shm = PodTemplates.volume(template.getSpec(), PodTemplates.SHM_VOLUME);
        assertEquals("Memory", shm.getEmptyDir().getMedium());
        assertEquals(new Quantity(plan.shmMiB() + "Mi"), shm.getEmptyDir().getSizeLimit());
        assertEquals("/dev/shm", PodTemplates.mount(container, PodTemplates.SHM_VOLUME).getMountPath());
        final Quantity memory = new Quantity(plan.limitMiB() + "Mi");
        assertEquals(memory, container.getResources().getLimits().get("memory"));
        assertEquals(memory, container.getResources().getRequests().get("memory"));
        assertEquals(plan.heapMiB() + "m", env(template, "DESCENT_HEAP"));
        assertEquals(plan.offHeapMiB() + "M", env(template, "DESCENT_MAX_OFFHEAP"));
        assertEquals(plan.physicalMiB() + "M", env(template, "DESCENT_MAX_PHYSICAL"));
        assertNotNull(container.getResources().getLimits().get("cpu"));
    }

    void checkSeed(final String nsTerm, final String clusterDomain)
    {
        final PodTemplateSpec server = ps().getSpec().getTemplate();
        final int akka = ports(container(server)).get("akka").getContainerPort();
        final String host = env(server, "DESCENT_HOST");
        assertEquals(server.getSpec().getHostname() + "." + server.getSpec().getSubdomain() + "." + nsTerm + ".svc." +
            clusterDomain, host, "the server's own DNS name, the same in every pod its Job makes");
        assertEquals("$(DESCENT_HOST):" + akka, env(server, "DESCENT_BIND"));
        assertEquals(host + ":" + akka, env(workers().getSpec().getTemplate(), "DESCENT_SEED"),
            "workers join the server");
    }

    void checkCheckpoints(final int workers)
    {
        final Job ps = ps();
        final PodTemplateSpec server = ps.getSpec().getTemplate();
        assertEquals(1, ps.getSpec().getCompletions());
        assertEquals(1, ps.getSpec().getParallelism());
        assertEquals("OnFailure", server.getSpec().getRestartPolicy(), "a crash restarts; an exit 0 is done");
        assertTrue(ps.getSpec().getBackoffLimit() >= 3, "a few server crashes do not fail the job");
        assertEquals(names.checkpoints(), PodTemplates.volume(server.getSpec(), PodTemplates.CHECKPOINT_VOLUME)
            .getPersistentVolumeClaim().getClaimName(), "the checkpoints outlive the pod");
        final String mount = PodTemplates.mount(container(server), PodTemplates.CHECKPOINT_VOLUME).getMountPath();
        assertTrue(env(server, "DESCENT_CHECKPOINT_DIR").startsWith(mount + "/"));
        assertEquals("auto", env(server, "DESCENT_RESUME"), "every start resumes from the checkpoint directory");
        // NodeRuntime bounds a node's shutdown, the server's final checkpoint included, at 120 s.
        assertTrue(server.getSpec().getTerminationGracePeriodSeconds() > 120,
            "time for the final checkpoint after SIGTERM");
        assertEquals(6 * workers, workers().getSpec().getBackoffLimit());
        assertEquals("OnFailure", workers().getSpec().getTemplate().getSpec().getRestartPolicy());
        assertTrue(env(workers().getSpec().getTemplate(), "DESCENT_CLUSTER").contains("server-lost-timeout=10m"),
            "workers wait out a server restart instead of failing");
    }

    private static Map<String, ContainerPort> ports(final Container container)
    {
        final Map<String, ContainerPort> ports = new java.util.HashMap<>();
        container.getPorts().forEach(p -> ports.put(p.getName(), p));
        return ports;
    }

    private static void assertContains(final Map<String, String> actual, final Map<String, String> expected,
        final String what)
    {
        assertNotNull(actual, what);
        expected.forEach((k, v) -> assertEquals(v, actual.get(k), what + ": " + k));
    }
}
