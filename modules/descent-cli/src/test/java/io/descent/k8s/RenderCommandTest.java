package io.descent.k8s;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.Model;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent k8s render}: a job's manifests from the base, and one-line errors for bad input. */
class RenderCommandTest
{
    @TempDir
    Path dir;

    private Path config() throws IOException
    {
        return Files.writeString(dir.resolve("job.conf"), ManifestChecks.JOB);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3, 16 })
    void shouldRenderNWorkerReplicasAndTheSeedAddress(final int workers) throws IOException
    {
        final K8sCli run = K8sCli.run("k8s", "render", "--workers", Integer.toString(workers), "--image",
            "registry.example.com/descent:1.2", "--config", config().toString(), "--namespace", "team-a",
            "--name", "mnist").assertOk();
        final List<HasMetadata> items = ManifestChecks.parse(run.out());
        final ManifestChecks checks = new ManifestChecks(items, new JobNames("mnist"));
        assertEquals(workers, checks.workers().getSpec().getCompletions());
        assertEquals(workers, checks.workers().getSpec().getParallelism());
        assertEquals("mnist-ps-0.mnist-ps.team-a.svc.cluster.local:2551",
            ManifestChecks.env(checks.workers().getSpec().getTemplate(), "DESCENT_SEED"));
        checks.checkAll("team-a", workers, "registry.example.com/descent:1.2", "cluster.local");
        for (final HasMetadata item : items)
        {
            assertEquals(List.of(), StrictModel.unknownFields(item), item.getKind());
        }
    }

    @Test
    void shouldLeaveTheNamespaceToTheClusterWhenNoneIsGiven() throws IOException
    {
        final K8sCli run = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
            "--config", config().toString(), "--cluster-domain", "corp.internal").assertOk();
        final ManifestChecks checks = new ManifestChecks(ManifestChecks.parse(run.out()), new JobNames("descent"));
        checks.checkAll(null, 2, "descent:0.1.0", "corp.internal");
        assertEquals("descent-ps-0.descent-ps.$(POD_NAMESPACE).svc.corp.internal:2551",
            ManifestChecks.env(checks.workers().getSpec().getTemplate(), "DESCENT_SEED"));
    }

    @Test
    void shouldPutTheResolvedJobInTheConfigMapAndAFreshKeyInTheSecret() throws IOException
    {
        final Path config = config();
        final String first = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
            "--config", config.toString()).assertOk().out();
        final String second = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
            "--config", config.toString()).assertOk().out();
        final ManifestChecks a = new ManifestChecks(ManifestChecks.parse(first), new JobNames("descent"));
        final ManifestChecks b = new ManifestChecks(ManifestChecks.parse(second), new JobNames("descent"));
        assertEquals(JobArguments.of(null, config, List.of(), null).job().raw(),
            readBack(a.one(ConfigMap.class)).raw(), "the job file, resolved");
        final String keyA = a.one(io.fabric8.kubernetes.api.model.Secret.class).getStringData().get("cluster-key");
        final String keyB = b.one(io.fabric8.kubernetes.api.model.Secret.class).getStringData().get("cluster-key");
        assertEquals(64, keyA.length());
        assertNotEquals(keyA, keyB, "each render makes its own key");
        assertTrue(first.startsWith("# descent k8s render: job 'descent', 2 worker(s)"));
    }

    /** The ConfigMap's job as every pod reads it: {@code --config /etc/descent/job.conf} through the same path. */
    private JobConfig readBack(final ConfigMap map) throws IOException
    {
        final Path mounted = Files.writeString(dir.resolve("mounted-job.conf"), map.getData().get(JobNames.CONFIG_KEY));
        return JobArguments.of(null, mounted, List.of(), null).job();
    }

    @Test
    void shouldRenderAPresetWithOverridesAndSeedAsTheJobEveryNodeReadsBack() throws IOException
    {
        final List<String> sets = List.of("train.epochs=3", "train.learning-rate=0.004", "data.synthetic.samples=3000");
        final String yaml = K8sCli.run("k8s", "render", "regression", "--set", sets.get(0), "--set", sets.get(1),
            "--set", sets.get(2), "--seed", "11", "--workers", "2", "--image", "descent:0.1.0").assertOk().out();
        final JobConfig pods = readBack(new ManifestChecks(ManifestChecks.parse(yaml), new JobNames("descent"))
            .one(ConfigMap.class));
        final JobConfig described = JobArguments.of("regression", null, sets, 11L).job();
        assertEquals(11, pods.seed());
        assertEquals(3, pods.train().epochs());
        assertEquals(described.raw(), pods.raw());
        assertEquals(identity(described), identity(pods), "the nodes' fingerprint and configuration digest");
        assertNotEquals(identity(JobArguments.of("regression", null, sets, 12L).job()), identity(pods),
            "another seed is another job");
    }

    private static JobIdentity identity(final JobConfig job)
    {
        final JobData data = JobData.load(job, 2);
        return JobIdentity.of(Model.create(data.spec(), job.seed()).fingerprint(), job.raw());
    }

    @Test
    void shouldPointTheSavedModelIntoTheCheckpointVolume() throws IOException
    {
        final String yaml = K8sCli.run("k8s", "render", "regression", "--save-model", "--workers", "2", "--image",
            "descent:0.1.0").assertOk().out();
        final ManifestChecks checks = new ManifestChecks(ManifestChecks.parse(yaml), new JobNames("descent"));
        final JobConfig pods = readBack(checks.one(ConfigMap.class));
        assertEquals(Path.of(JobSpec.MODEL_DIR), pods.train().saveModel().orElseThrow());
        assertEquals(JobArguments.of("regression", null, List.of(), null).job().raw(), pods.raw(),
            "where the model goes is not part of the job's identity");
        final var server = PodTemplates.container(checks.ps().getSpec().getTemplate().getSpec());
        assertEquals(JobSpec.CHECKPOINT_MOUNT, server.getVolumeMounts().stream()
            .filter(m -> PodTemplates.CHECKPOINT_VOLUME.equals(m.getName())).findFirst().orElseThrow().getMountPath());
        assertEquals(JobSpec.CHECKPOINT_DIR, ManifestChecks.env(checks.ps().getSpec().getTemplate(),
            "DESCENT_CHECKPOINT_DIR"), "the model is beside the checkpoints, not among them");

        K8sCli.run("k8s", "render", "regression", "--set", "train.save-model=/tmp/model", "--workers", "2",
            "--image", "descent:0.1.0").assertBadInput("train.save-model '/tmp/model'", "checkpoint volume",
            "--save-model");
        K8sCli.run("k8s", "render", "regression", "--set", "train.save-model=" + JobSpec.CHECKPOINT_DIR + "/m",
            "--workers", "2", "--image", "descent:0.1.0").assertBadInput("not on the parameter server's checkpoint");
        K8sCli.run("k8s", "render", "regression", "--set", "train.save-model=" + JobSpec.CHECKPOINT_MOUNT + "/mine",
            "--workers", "2", "--image", "descent:0.1.0").assertOk();
    }

    @Test
    void shouldGrowTheServersSharedMemoryWithTheWorkers() throws IOException
    {
        final String yaml = K8sCli.run("k8s", "render", "--workers", "64", "--image", "descent:0.1.0",
            "--config", config().toString()).assertOk().out();
        final ManifestChecks checks = new ManifestChecks(ManifestChecks.parse(yaml), new JobNames("descent"));
        assertEquals("6272Mi", PodTemplates.volume(checks.ps().getSpec().getTemplate().getSpec(),
            PodTemplates.SHM_VOLUME).getEmptyDir().getSizeLimit().toString());
    }

    @Test
    void shouldLetOnlyTheNamedScrapersReachTheMetrics() throws IOException
    {
        for (final String access : List.of("namespace=observability", "app.kubernetes.io/name=prometheus",
            "namespace=monitoring,app=prometheus", "none"))
        {
            final String yaml = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
                "--config", config().toString(), "--metrics-from", access).assertOk().out();
            new ManifestChecks(ManifestChecks.parse(yaml), new JobNames("descent"))
                .checkAll(null, 2, "descent:0.1.0", "cluster.local", MetricsAccess.parse(access));
        }
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--metrics-from", "monitoring").assertBadInput("--metrics-from 'monitoring'", "namespace=NAME");
    }

    @Test
    void shouldPinTheImageByDigest() throws IOException
    {
        final String pinned = "registry.example.com/descent@sha256:" + "0123456789abcdef".repeat(4);
        final String yaml = K8sCli.run("k8s", "render", "--workers", "2", "--image", pinned, "--config",
            config().toString()).assertOk().out();
        new ManifestChecks(ManifestChecks.parse(yaml), new JobNames("descent"))
            .checkAll(null, 2, pinned, "cluster.local");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "registry.example.com/descent@sha256:abc",
            "--config", config().toString()).assertBadInput("--image", "malformed digest");
    }

    @Test
    void shouldPassClusterSettingsToEveryPodAfterTheBasesOwn() throws IOException
    {
        final K8sCli run = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
            config().toString(), "--cluster", "consistency=backup", "--cluster", "backup-workers=1").assertOk();
        final ManifestChecks checks = new ManifestChecks(ManifestChecks.parse(run.out()), new JobNames("descent"));
        assertEquals("checkpoint.every=5m consistency=backup backup-workers=1",
            ManifestChecks.env(checks.ps().getSpec().getTemplate(), "DESCENT_CLUSTER"));
        assertEquals("server-lost-timeout=10m consistency=backup backup-workers=1",
            ManifestChecks.env(checks.workers().getSpec().getTemplate(), "DESCENT_CLUSTER"));
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--cluster", "consistency = backup").assertBadInput("--cluster 'consistency = backup'", "key=value");
        final K8sCli key = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
            config().toString(), "--cluster", "key=0123456789abcdef0123");
        key.assertBadInput("--cluster must not set descent.cluster.key");
        assertTrue(!key.err().contains("0123456789abcdef0123"), key.err());
    }

    @Test
    void shouldRefuseAMissingImage() throws IOException
    {
        K8sCli.run("k8s", "render", "--workers", "2", "--config", config().toString()).assertBadInput("--image");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", " ", "--config", config().toString())
            .assertBadInput("--image", "empty");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "Descent Image", "--config", config().toString())
            .assertBadInput("--image", "not an image reference");
    }

    /**
     * {@code --servers 3}: the coordinator (the seed) is told the shard count; shards 1 and 2 are Jobs of one pod like
     * it, each with its own DNS name under the headless Service and its own checkpoint claim, joining the seed; the
     * NetworkPolicy selects them and names their Akka and Aeron ports; the workers still need only the seed.
     */
    @Test
    void shouldRenderAJobPerServerShard() throws IOException
    {
        final List<HasMetadata> items = ManifestChecks.parse(K8sCli.run("k8s", "render", "--workers", "2",
            "--servers", "3", "--image", "descent:0.1.0", "--config", config().toString(), "--namespace", "team-a",
            "--name", "mnist").assertOk().out());
        final List<io.fabric8.kubernetes.api.model.batch.v1.Job> servers = items.stream()
            .filter(io.fabric8.kubernetes.api.model.batch.v1.Job.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.batch.v1.Job.class::cast)
            .filter(ManifestRenderer::isParameterServer).toList();
        assertEquals(List.of("mnist-ps", "mnist-ps-1", "mnist-ps-2"),
            servers.stream().map(job -> job.getMetadata().getName()).toList());
        assertEquals(List.of("mnist-checkpoints", "mnist-checkpoints-1", "mnist-checkpoints-2"), items.stream()
            .filter(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class::isInstance)
            .map(item -> item.getMetadata().getName()).toList());
        final String seed = "mnist-ps-0.mnist-ps.team-a.svc.cluster.local";
        // Followed by --tls-dir: render mounts the job's TLS material into every pod.
        assertTrue(ManifestChecks.env(servers.get(0).getSpec().getTemplate(), "DESCENT_ARGS")
            .startsWith("--shards 3 --tls-dir"));
        final io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy = items.stream()
            .filter(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class::isInstance)
            .map(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class::cast).findFirst().orElseThrow();
        for (int shard = 1; shard < 3; shard++)
        {
            final var template = servers.get(shard).getSpec().getTemplate();
            assertEquals("mnist-ps-" + shard, template.getSpec().getHostname());
            assertEquals("mnist-ps", template.getSpec().getSubdomain());
            assertEquals("mnist-ps-" + shard + ".mnist-ps.team-a.svc.cluster.local",
                ManifestChecks.env(template, "DESCENT_HOST"));
            assertTrue(ManifestChecks.env(template, "DESCENT_ARGS")
                .startsWith("--shard " + shard + " --shards 3 --join " + seed + ":2551 --tls-dir"));
            assertEquals("ps", ManifestChecks.env(template, "DESCENT_ROLE"));
            assertEquals("mnist-checkpoints-" + shard, template.getSpec().getVolumes().stream()
                .filter(v -> PodTemplates.CHECKPOINT_VOLUME.equals(v.getName())).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName());
            assertEquals("team-a", servers.get(shard).getMetadata().getNamespace());
            assertTrue(template.getMetadata().getLabels().entrySet()
                .containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()), "the policy selects it");
            final var ports = ManifestChecks.container(template).getPorts().stream()
                .map(io.fabric8.kubernetes.api.model.ContainerPort::getName).toList();
            for (final var port : NetworkPolicies.jobRule(policy).getPorts())
            {
                assertTrue(ports.contains(port.getPort().getStrVal()), "the shard has the policy's port " + port);
            }
        }
        final ManifestChecks checks = new ManifestChecks(items.stream().filter(item ->
            !item.getMetadata().getName().matches("mnist-(ps|checkpoints)-[12]")).toList(), new JobNames("mnist"));
        checks.checkAll("team-a", 2, "descent:0.1.0", "cluster.local");
        assertEquals(seed + ":2551", ManifestChecks.env(checks.workers().getSpec().getTemplate(), "DESCENT_SEED"));
        for (final HasMetadata item : items)
        {
            assertEquals(List.of(), StrictModel.unknownFields(item), item.getKind());
        }
        K8sCli.run("k8s", "render", "--workers", "2", "--servers", "65", "--image", "descent:0.1.0", "--config",
            config().toString()).assertBadInput("--servers 65", "1..64");
        K8sCli.run("k8s", "render", "--workers", "2", "--servers", "0", "--image", "descent:0.1.0", "--config",
            config().toString()).assertBadInput("--servers 0");
    }

    @Test
    void shouldRefuseZeroOrTooManyWorkers() throws IOException
    {
        K8sCli.run("k8s", "render", "--workers", "0", "--image", "descent:0.1.0", "--config", config().toString())
            .assertBadInput("--workers 0", "1..1024");
        K8sCli.run("k8s", "render", "--workers", "5000", "--image", "descent:0.1.0", "--config",
            config().toString()).assertBadInput("--workers 5000");
        K8sCli.run("k8s", "render", "--workers", "two", "--image", "descent:0.1.0", "--config",
            config().toString()).assertBadInput("--workers");
    }

    @Test
    void shouldRefuseAMissingUnreadableOrMalformedConfig() throws IOException
    {
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
            dir.resolve("nope.conf").toString()).assertBadInput("nope.conf", "not readable");
        final Path locked = Files.writeString(dir.resolve("locked.conf"), ManifestChecks.JOB);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        if (!Files.isReadable(locked))
        {
            K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
                locked.toString()).assertBadInput("locked.conf", "not readable");
        }
        final Path broken = Files.writeString(dir.resolve("broken.conf"), "train { epochs = \n");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
            broken.toString()).assertBadInput("broken.conf", "HOCON");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config",
            dir.toString()).assertBadInput("not readable");
    }

    @Test
    void shouldRefuseInvalidNamesAndNamespaces() throws IOException
    {
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--namespace", "Team_A").assertBadInput("--namespace 'Team_A'");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--name", "9lives").assertBadInput("--name '9lives'");
    }
}
