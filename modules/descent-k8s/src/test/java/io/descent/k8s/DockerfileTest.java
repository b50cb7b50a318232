package io.descent.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** There is no Docker engine here: check that deploy/Dockerfile agrees with the entrypoint and the manifests. */
class DockerfileTest
{
    private static final Path DOCKERFILE = Path.of("../../deploy/Dockerfile");

    private static List<String> lines() throws IOException
    {
        return Files.readAllLines(DOCKERFILE).stream().map(String::strip).filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void shouldBuildWithMavenAndRunOnATemurin25RuntimeAsTheManifestsUser() throws IOException
    {
        final List<String> lines = lines();
        final List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(3, stages.size(), "multi-stage: build, jre, runtime");
        assertTrue(stages.get(0).matches("FROM maven:\\S*17\\S* AS build"), stages.get(0));
        assertTrue(stages.get(1).matches("FROM eclipse-temurin:25-jre\\S* AS jre"), stages.get(1));
        assertTrue(lines.contains("COPY --from=jre /opt/java/openjdk /opt/java/openjdk"), "the runtime's JRE");
        assertTrue(lines.contains("PATH=/opt/java/openjdk/bin:$PATH \\"), "its java first on PATH");
        assertTrue(String.join("\n", lines).lines().noneMatch(l -> l.contains("openjdk-17-jre")), "no second JRE");
        assertTrue(lines.contains("COPY k8s k8s"), "the CLI jar packages k8s/base");
        assertTrue(lines.contains("USER 10001:10001"));
        final List<HasMetadata> base = new BaseManifests(new KubernetesSerialization()).load();
        for (final HasMetadata item : base)
        {
            if (item instanceof Job job)
            {
                assertEquals(10001L, job.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser());
            }
        }
    }

    /** Both base images can be pinned to a digest at build time; without one they follow their tags. */
    @Test
    void shouldLetEveryBaseImageBePinnedByDigest() throws IOException
    {
        final List<String> lines = lines();
        final List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        for (final String stage : stages)
        {
            final java.util.regex.Matcher arg = java.util.regex.Pattern
                .compile("FROM \\S+:\\S+\\$\\{(\\w+):\\+@}\\$\\{\\1}( AS \\w+)?").matcher(stage);
            assertTrue(arg.matches(), "FROM image:tag${X_DIGEST:+@}${X_DIGEST}: " + stage);
            assertTrue(lines.indexOf("ARG " + arg.group(1) + "=") >= 0 &&
                lines.indexOf("ARG " + arg.group(1) + "=") < lines.indexOf(stages.get(0)),
                "ARG " + arg.group(1) + " is declared before the first FROM");
        }
    }

    @Test
    void shouldPutTheJarWhereTheEntrypointRunsIt() throws IOException
    {
        final List<String> lines = lines();
        assertTrue(lines.contains("COPY --from=build /src/modules/descent-cli/target/descent-cli.jar " +
            "/opt/descent/descent-cli.jar"));
        assertTrue(lines.contains("COPY --from=build /src/modules/descent-cli/target/lib/ /opt/descent/lib/"),
            "the jar's Class-Path is lib/");
        assertTrue(lines.contains("COPY deploy/entrypoint.sh /opt/descent/bin/entrypoint.sh"));
        assertTrue(lines.contains("ENTRYPOINT [\"/opt/descent/bin/entrypoint.sh\"]"));
        assertTrue(lines.contains("ENV DESCENT_HOME=/opt/descent \\"));
        assertTrue(Files.readString(EntrypointTest.SCRIPT).contains("home=\"${DESCENT_HOME:-/opt/descent}\""));
    }

    @Test
    void shouldExposeThePortsThePodsDeclare() throws IOException
    {
        final String expose = lines().stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow();
        final Set<String> exposed = new TreeSet<>(Arrays.asList(expose.substring("EXPOSE ".length()).split("\\s+")));
        for (final HasMetadata item : new BaseManifests(new KubernetesSerialization()).load())
        {
            final var template = item instanceof Job job ? job.getSpec().getTemplate() : null;
            if (null != template)
            {
                final Set<String> declared = new TreeSet<>();
                PodTemplates.container(template.getSpec()).getPorts().forEach(
                    p -> declared.add(p.getContainerPort() + "/" + p.getProtocol().toLowerCase()));
                assertEquals(declared, exposed, item.getKind());
            }
        }
    }
}
