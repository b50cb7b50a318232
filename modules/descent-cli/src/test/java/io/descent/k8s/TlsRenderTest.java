package io.descent.k8s;

import io.descent.pki.TlsFiles;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent k8s render} puts the control plane on mutual TLS: the job's Secret carries a CA and a node
 * certificate that pass the node's own check, mounted read-only in both pods with {@code --tls-dir}; or an existing
 * Secret is mounted by name ({@code --tls-secret}); or none ({@code --no-tls}).
 */
class TlsRenderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRenderTlsMaterialIntoTheJobsSecretAndMountItInBothPods() throws IOException
    {
        final ManifestChecks checks = render("--name", "mnist");
        checks.checkAll(null, 2, "descent:0.1.0", "cluster.local");
        final Map<String, String> data = checks.one(Secret.class).getStringData();
        final Path tls = Files.createDirectory(dir.resolve("tls"));
        for (final String file : List.of(TlsFiles.CA, TlsFiles.CERT, TlsFiles.KEY))
        {
            Files.writeString(tls.resolve(file), data.get(file));
        }
        assertEquals(List.of("mnist"), new TlsFiles(tls).check("the rendered Secret").names());
        assertEquals(64, data.get(JobNames.CLUSTER_KEY).length(), "the cluster key stays");
        for (final PodTemplateSpec pod : List.of(checks.ps().getSpec().getTemplate(),
            checks.workers().getSpec().getTemplate()))
        {
            assertMounted(pod, "mnist-key");
        }
    }

    @Test
    void shouldMountAnExistingSecretByName() throws IOException
    {
        final ManifestChecks checks = render("--tls-secret", "descent-tls");
        assertFalse(checks.one(Secret.class).getStringData().containsKey(TlsFiles.KEY), "no key rendered");
        assertMounted(checks.ps().getSpec().getTemplate(), "descent-tls");
        assertMounted(checks.workers().getSpec().getTemplate(), "descent-tls");
    }

    @Test
    void shouldRunWithoutTlsWhenAsked() throws IOException
    {
        final ManifestChecks checks = render("--no-tls");
        assertFalse(checks.one(Secret.class).getStringData().containsKey(TlsFiles.KEY));
        final PodSpec pod = checks.ps().getSpec().getTemplate().getSpec();
        assertTrue(pod.getVolumes().stream().noneMatch(v -> TlsSecret.VOLUME.equals(v.getName())));
        assertTrue(PodTemplates.container(pod).getEnv().stream().noneMatch(e -> "DESCENT_ARGS".equals(e.getName())));
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--no-tls", "--tls-secret", "x").assertBadInput("--no-tls and --tls-secret x");
        K8sCli.run("k8s", "render", "--workers", "2", "--image", "descent:0.1.0", "--config", config().toString(),
            "--tls-secret", "Bad_Name").assertBadInput("--tls-secret 'Bad_Name' is not a valid Secret name");
    }

    private ManifestChecks render(final String... options) throws IOException
    {
        final List<String> args = new java.util.ArrayList<>(List.of("k8s", "render", "--workers", "2", "--image",
            "descent:0.1.0", "--config", config().toString()));
        args.addAll(List.of(options));
        final String yaml = K8sCli.run(args.toArray(String[]::new)).assertOk().out();
        final String name = args.contains("--name") ? args.get(args.indexOf("--name") + 1) : "descent";
        return new ManifestChecks(ManifestChecks.parse(yaml), new JobNames(name));
    }

    private Path config() throws IOException
    {
        return Files.writeString(dir.resolve("job.conf"), ManifestChecks.JOB);
    }

    private static void assertMounted(final PodTemplateSpec template, final String secret)
    {
        final PodSpec pod = template.getSpec();
        final Volume volume = PodTemplates.volume(pod, TlsSecret.VOLUME);
        assertEquals(secret, volume.getSecret().getSecretName());
        assertEquals(0440, volume.getSecret().getDefaultMode());
        assertEquals(List.of(TlsFiles.CA, TlsFiles.CERT, TlsFiles.KEY),
            volume.getSecret().getItems().stream().map(i -> i.getPath()).toList());
        final var mount = PodTemplates.mount(PodTemplates.container(pod), TlsSecret.VOLUME);
        assertEquals(TlsSecret.MOUNT_PATH, mount.getMountPath());
        assertTrue(mount.getReadOnly());
        assertEquals("--tls-dir " + TlsSecret.MOUNT_PATH, ManifestChecks.env(template, "DESCENT_ARGS"));
    }
}
