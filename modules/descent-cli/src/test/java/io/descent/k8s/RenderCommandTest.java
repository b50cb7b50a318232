package io.descent.k8s;

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
    void shouldPutTheJobFileVerbatimInTheConfigMapAndAFreshKeyInTheSecret() throws IOException
    {
        final Path config = config();
        final String first = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
            "--config", config.toString()).assertOk().out();
        final String second = K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0",
            "--config", config.toString()).assertOk().out();
        final ManifestChecks a = new ManifestChecks(ManifestChecks.parse(first), new JobNames("descent"));
        final ManifestChecks b = new ManifestChecks(ManifestChecks.parse(second), new JobNames("descent"));
        assertEquals(ManifestChecks.JOB, a.one(ConfigMap.class).getData().get(JobNames.CONFIG_KEY));
        final String keyA = a.one(io.fabric8.kubernetes.api.model.Secret.class).getStringData().get("cluster-key");
        final String keyB = b.one(io.fabric8.kubernetes.api.model.Secret.class).getStringData().get("cluster-key");
        assertEquals(64, keyA.length());
        assertNotEquals(keyA, keyB, "each render makes its own key");
        assertTrue(first.startsWith("# descent k8s render: job 'descent', 2 worker(s)"));
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
    void shouldRefuseAMissingImage() throws IOException
    {
        K8sCli.run("k8s", "render", "--workers", "2", "--config", config().toString()).assertBadInput("--image");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", " ", "--config", config().toString())
            .assertBadInput("--image", "empty");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "Descent Image", "--config", config().toString())
            .assertBadInput("--image", "not an image reference");
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
