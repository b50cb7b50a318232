package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kustomize base in k8s/base: complete, strictly typed, consistent, and the same as the one packaged. */
class BaseManifestsTest
{
    /** Surefire runs in the module directory. */
    static final Path BASE_DIR = Path.of("../../k8s/base");

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @Test
    void shouldListEveryManifestOfTheBaseInItsKustomization() throws IOException
    {
        final List<String> files;
        try (Stream<Path> listing = Files.list(BASE_DIR))
        {
            files = listing.map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".yaml") && !n.equals(BaseManifests.KUSTOMIZATION))
                .sorted()
                .toList();
        }
        final List<String> listed = new ArrayList<>(new BaseManifests(serialization).resourceFiles());
        listed.sort(null);
        assertEquals(files, listed);
    }

    @Test
    void shouldParseEveryManifestIntoTheTypedModelWithoutUnknownFields() throws IOException
    {
        for (final String file : new BaseManifests(serialization).resourceFiles())
        {
            final Object item = serialization.unmarshal(Files.readString(BASE_DIR.resolve(file)));
            final HasMetadata resource = assertInstanceOf(HasMetadata.class, item, file);
            assertTrue(resource.getClass().getName().startsWith("io.fabric8.kubernetes.api.model."),
                () -> file + " parsed as " + resource.getClass().getName() + ", not a typed resource");
            assertEquals(List.of(), StrictModel.unknownFields(resource), file + " has fields the model lacks");
        }
    }

    @Test
    void shouldNoticeAFieldTheModelDoesNotKnow()
    {
        final Object item = serialization.unmarshal("apiVersion: batch/v1\nkind: Job\nmetadata: {name: x}\n" +
            "spec:\n  completionz: 2\n  template:\n    spec:\n      containers: [{name: c, imagePullPolice: Always}]\n");
        assertEquals(List.of(".spec.completionz", ".spec.template.spec.containers[0].imagePullPolice"),
            StrictModel.unknownFields(item).stream().sorted().toList());
    }

    @Test
    void shouldPackageTheBaseAsItIsInTheSourceTree() throws IOException
    {
        final List<String> files = new ArrayList<>(new BaseManifests(serialization).resourceFiles());
        files.add(BaseManifests.KUSTOMIZATION);
        for (final String file : files)
        {
            assertEquals(Files.readString(BASE_DIR.resolve(file)), BaseManifests.read(file),
                file + " in the jar differs from k8s/base: rebuild");
        }
    }

    @Test
    void shouldBuildWithKustomizeWhereKubectlIsInstalled() throws IOException, InterruptedException
    {
        final Path kubectl = Path.of("/usr/bin/kubectl");
        assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
        final Process process = new ProcessBuilder(kubectl.toString(), "kustomize", BASE_DIR.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
        assertEquals(0, process.exitValue(), "kubectl kustomize " + BASE_DIR);
        final List<HasMetadata> built = ManifestChecks.parse(yaml);
        final ManifestChecks checks = new ManifestChecks(built, new JobNames(JobNames.BASE_JOB));
        checks.checkAll(null, 2, "descent:0.1.0", "cluster.local");
    }

    @Test
    void shouldKeepNamesPortsLabelsSelectorsAndMemoryConsistent()
    {
        final List<HasMetadata> items = new BaseManifests(serialization).load();
        final ManifestChecks checks = new ManifestChecks(items, new JobNames(JobNames.BASE_JOB));
        checks.checkAll(null, checks.workers().getSpec().getCompletions(), "descent", "cluster.local");
        assertEquals(2, checks.workers().getSpec().getCompletions(), "the base runs 2 workers");
    }
}
