package io.descent.k8s;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/entrypoint.sh run outside a container, with a fake {@code java} on PATH that prints its arguments: the
 * command line each role gets from the manifests' environment, and the clear failures that make a pod restart.
 */
class EntrypointTest
{
    static final Path SCRIPT = Path.of("../../deploy/entrypoint.sh");
    private static final String KEY = "k3y-0123456789abcdef";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @TempDir
    Path dir;
    private Path config;
    private final Map<String, String> env = new LinkedHashMap<>();

    record Result(int exitCode, List<String> javaArgs, String err)
    {
        /** @return the arguments after {@code -jar JAR}: the descent command line. */
        List<String> descentArgs()
        {
            final int jar = javaArgs.indexOf("-jar");
            return javaArgs.subList(jar + 2, javaArgs.size()).stream().filter(a -> !a.startsWith("ENV ")).toList();
        }
    }

    @BeforeEach
    void fakeJava() throws IOException
    {
        final Path bin = Files.createDirectories(dir.resolve("bin"));
        final Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n" +
            "echo \"ENV OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-}\"\necho \"ENV OMP_WAIT_POLICY=$OMP_WAIT_POLICY\"\n" +
            "echo \"ENV DESCENT_CLUSTER_KEY=${DESCENT_CLUSTER_KEY:-}\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = Files.writeString(dir.resolve("job.conf"), ManifestChecks.JOB);
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("DESCENT_TERMINATION_LOG", dir.resolve("termination-log").toString());
        env.put("DESCENT_CPUINFO", Files.writeString(dir.resolve("cpuinfo"), "flags\t\t: fpu sse2 avx2\n").toString());
        env.put("DESCENT_CGROUP_MEMORY_MAX", Files.writeString(dir.resolve("memory.max"), "max\n").toString());
    }

    private Result run(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(dir.resolve("err").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        final Process process = builder.start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "entrypoint did not finish");
        return new Result(process.exitValue(), out.lines().toList(), Files.readString(dir.resolve("err")));
    }

    /** The container's environment as the kubelet would set it from {@code template}, references expanded. */
    private void podEnvironment(final PodTemplateSpec template, final Map<String, String> fromCluster)
        throws IOException
    {
        final Map<String, String> resolved = new LinkedHashMap<>();
        for (final EnvVar var : PodTemplates.container(template.getSpec()).getEnv())
        {
            final String value = null != var.getValueFrom() ? fromCluster.get(var.getName()) :
                expand(var.getValue(), resolved);
            assertTrue(null != value, "no value for " + var.getName());
            resolved.put(var.getName(), value);
        }
        env.putAll(resolved);
        env.put("DESCENT_CONFIG", config.toString());
        if (env.containsKey("DESCENT_CLUSTER_KEY_FILE"))
        {
            env.put("DESCENT_CLUSTER_KEY_FILE", keyFileOf(template).toString());
        }
    }

    /**
     * The Secret's file as the kubelet would mount it for {@code template}, here under the test's directory: checks that
     * DESCENT_CLUSTER_KEY_FILE names the key's file in the mount of the key Secret's volume.
     */
    private Path keyFileOf(final PodTemplateSpec template) throws IOException
    {
        final var pod = template.getSpec();
        final var container = PodTemplates.container(pod);
        final var volume = PodTemplates.volume(pod, PodTemplates.KEY_VOLUME);
        final String mount = PodTemplates.mount(container, PodTemplates.KEY_VOLUME).getMountPath();
        final String file = volume.getSecret().getItems().stream()
            .filter(i -> JobNames.CLUSTER_KEY.equals(i.getKey())).findFirst().orElseThrow().getPath();
        assertEquals(mount + "/" + file, PodTemplates.env(container, "DESCENT_CLUSTER_KEY_FILE").getValue());
        final Path mounted = Files.createDirectories(dir.resolve("key-mount")).resolve(file);
        Files.writeString(mounted, KEY + "\n");
        return mounted;
    }

    private static String expand(final String value, final Map<String, String> defined)
    {
        final Matcher matcher = REFERENCE.matcher(value);
        final StringBuilder expanded = new StringBuilder();
        while (matcher.find())
        {
            final String name = matcher.group(1);
            assertTrue(defined.containsKey(name), "$(" + name + ") used before it is defined");
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(defined.get(name)));
        }
        return matcher.appendTail(expanded).toString();
    }

    private static <T extends HasMetadata> T base(final String file, final Class<T> type) throws IOException
    {
        return type.cast(new KubernetesSerialization().unmarshal(
            Files.readString(BaseManifestsTest.BASE_DIR.resolve(file))));
    }

    @Test
    void shouldStartTheParameterServerFromItsManifest() throws Exception
    {
        podEnvironment(base("job-ps.yaml", Job.class).getSpec().getTemplate(), Map.of(
            "POD_NAMESPACE", "ml", "POD_IP", "10.1.2.3",
            "OMP_NUM_THREADS", "2"));
        final Path checkpoints = dir.resolve("checkpoints/job");
        env.put("DESCENT_CHECKPOINT_DIR", checkpoints.toString());
        final Result result = run();
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("ps", "--config", config.toString(), "--workers", "2", "--checkpoint-dir",
            checkpoints.toString(), "--bind", "descent-ps-0.descent-ps.ml.svc.cluster.local:2551",
            "--aeron", "10.1.2.3:40123", "--cluster", "checkpoint.every=5m", "--cluster-key-file",
            env.get("DESCENT_CLUSTER_KEY_FILE")), result.descentArgs());
        assertTrue(result.javaArgs().containsAll(List.of("-Xmx1024m", "-Dorg.bytedeco.javacpp.maxbytes=1024M",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=2752M", "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp")),
            result.javaArgs().toString());
        assertTrue(!String.join(" ", result.javaArgs()).contains(KEY), "the key never goes on the command line");
        assertTrue(result.javaArgs().contains("ENV DESCENT_CLUSTER_KEY="), "nor in the environment");
    }

    /**
     * The server as {@code descent k8s render} makes it, started by its Job again and again: the first start begins
     * afresh, every later one passes {@code --resume} of its checkpoint directory (so a restarted server continues,
     * and one restarted after success finds the COMPLETE marker and exits 0 at once).
     */
    @Test
    void shouldResumeTheRenderedServerFromItsCheckpointDirectoryOnEveryRestart() throws Exception
    {
        final JobSpec job = JobSpec.of("mnist", "ml", 3, "descent:0.1.0", config, "cluster.local");
        final Job server = new ManifestChecks(new ManifestRenderer(new BaseManifests(new KubernetesSerialization()))
            .render(job, KEY), job.names()).ps();
        podEnvironment(server.getSpec().getTemplate(), Map.of("POD_NAMESPACE", "ml", "POD_IP", "10.1.2.3",
            "OMP_NUM_THREADS", "2"));
        // The claim's mount, here a temporary directory.
        final Path checkpoints = Files.createDirectories(dir.resolve("volume")).resolve("job");
        env.put("DESCENT_CHECKPOINT_DIR", checkpoints.toString());
        final List<String> fresh = run().descentArgs();
        assertEquals(List.of("ps", "--config", config.toString(), "--workers", "3", "--checkpoint-dir",
            checkpoints.toString(), "--bind", "mnist-ps-0.mnist-ps.ml.svc.cluster.local:2551", "--aeron",
            "10.1.2.3:40123", "--cluster", "checkpoint.every=5m", "--cluster-key-file",
            env.get("DESCENT_CLUSTER_KEY_FILE")), fresh, "the first start begins afresh");

        Files.writeString(Files.createDirectories(checkpoints.resolve("step-000000000040")).resolve("meta.kryo"), "m");
        final List<String> restarted = run().descentArgs();
        assertEquals(List.of("--resume", checkpoints.toString()),
            restarted.subList(restarted.indexOf("--resume"), restarted.indexOf("--resume") + 2), "a restart resumes");

        Files.writeString(checkpoints.resolve("COMPLETE"), "steps=40\n");
        deleteTree(checkpoints.resolve("step-000000000040"));
        final List<String> done = run().descentArgs();
        assertTrue(done.containsAll(List.of("--resume", checkpoints.toString())),
            "after success the marker alone is enough to resume (ps then exits 0): " + done);
    }

    private static void deleteTree(final Path root) throws IOException
    {
        try (var paths = Files.walk(root))
        {
            for (final Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    @Test
    void shouldStartAWorkerFromItsManifestWithItsRank() throws Exception
    {
        podEnvironment(base("job-workers.yaml", Job.class).getSpec().getTemplate(), Map.of(
            "DESCENT_RANK", "3", "POD_NAMESPACE", "ml", "POD_IP", "10.1.2.4",
            "OMP_NUM_THREADS", "2"));
        final Result result = run();
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("worker", "--config", config.toString(), "--join",
            "descent-ps-0.descent-ps.ml.svc.cluster.local:2551", "--cluster", "rank=3", "--bind", "10.1.2.4:2551",
            "--aeron", "10.1.2.4:40123", "--cluster", "server-lost-timeout=10m", "--cluster-key-file",
            env.get("DESCENT_CLUSTER_KEY_FILE")), result.descentArgs());
        assertTrue(result.err().contains("descent-entrypoint: worker --config"), result.err());
    }

    @Test
    void shouldTakeTheRankFromTheJobCompletionIndex() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "worker", "DESCENT_CONFIG", config.toString(),
            "DESCENT_SEED", "ps-0.ps:2551", "JOB_COMPLETION_INDEX", "5", "DESCENT_ARGS", "--set train.epochs=1"));
        assertEquals(List.of("worker", "--config", config.toString(), "--join", "ps-0.ps:2551", "--cluster", "rank=5",
            "--set", "train.epochs=1"), run().descentArgs());
    }

    @Test
    void shouldResumeFromTheLastCompleteCheckpointAfterARestart() throws Exception
    {
        final Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
        env.putAll(Map.of("DESCENT_CONFIG", config.toString(), "DESCENT_CHECKPOINT_DIR", checkpoints.toString()));
        Files.createDirectories(checkpoints.resolve(".tmp-step-000000000010"));
        assertEquals(List.of("ps", "--config", config.toString(), "--checkpoint-dir", checkpoints.toString()),
            run("ps").descentArgs(), "a torn checkpoint is not resumed");
        Files.writeString(Files.createDirectories(checkpoints.resolve("step-000000000010")).resolve("meta.kryo"), "m");
        assertEquals(List.of("ps", "--config", config.toString(), "--checkpoint-dir", checkpoints.toString(),
            "--resume", checkpoints.toString()), run("ps").descentArgs());
        Files.delete(checkpoints.resolve("step-000000000010/meta.kryo"));
        Files.writeString(checkpoints.resolve("COMPLETE"), "steps=10\n");
        assertEquals(List.of("ps", "--config", config.toString(), "--checkpoint-dir", checkpoints.toString(),
            "--resume", checkpoints.toString()), run("ps").descentArgs(), "a completed job's marker is resumed");
        env.put("DESCENT_RESUME", "never");
        assertEquals(List.of("ps", "--config", config.toString(), "--checkpoint-dir", checkpoints.toString()),
            run("ps").descentArgs());
    }

    @Test
    void shouldGiveEveryJvmTheFlagsDescentNeeds() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", config.toString(), "DESCENT_JAVA_OPTS", "-Dx=1"));
        final Result result = run();
        final String line = String.join(" ", result.javaArgs());
        assertTrue(line.startsWith("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp -Dx=1 -Xmx4g -Dorg.bytedeco.javacpp.maxbytes=6G " +
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G -XX:+AlwaysPreTouch " +
            "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED " +
            "--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED " +
            "--enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError -jar /opt/descent/descent-cli.jar ps"),
            line);
        assertTrue(result.javaArgs().contains("ENV OMP_WAIT_POLICY=PASSIVE"));
    }

    @Test
    void shouldSizeTheJvmFromTheContainersMemoryLimit() throws Exception
    {
        Files.writeString(dir.resolve("memory.max"), Long.toString(4L << 30));
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", config.toString()));
        assertTrue(run().javaArgs().containsAll(List.of("-Xmx1024m", "-Dorg.bytedeco.javacpp.maxbytes=1638M",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=3686M")));
    }

    @Test
    void shouldPickTheBlasKernelFromTheCpuFlagsUnlessSet() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", config.toString()));
        assertTrue(run().javaArgs().contains("ENV OPENBLAS_CORETYPE=Haswell"));
        Files.writeString(dir.resolve("cpuinfo"), "flags\t\t: fpu avx2 avx512f avx512bw\n");
        assertTrue(run().javaArgs().contains("ENV OPENBLAS_CORETYPE=SkylakeX"));
        Files.writeString(dir.resolve("cpuinfo"), "flags\t\t: fpu sse2\n");
        assertTrue(run().javaArgs().contains("ENV OPENBLAS_CORETYPE="));
        env.put("OPENBLAS_CORETYPE", "Zen");
        assertTrue(run().javaArgs().contains("ENV OPENBLAS_CORETYPE=Zen"));
    }

    @Test
    void shouldRunAnyOtherDescentCommandAsGiven() throws Exception
    {
        final Result result = run("k8s", "render", "--help");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("k8s", "render", "--help"), result.descentArgs());
    }

    @Test
    void shouldFailClearlyWithoutARole() throws Exception
    {
        expectFailure("DESCENT_ROLE is not set", "'ps' or 'worker'");
        env.put("DESCENT_ROLE", "boss");
        expectFailure("DESCENT_ROLE='boss' is not a role");
    }

    @Test
    void shouldFailClearlyWhenAWorkerHasNoSeed() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "worker", "DESCENT_CONFIG", config.toString()));
        expectFailure("DESCENT_SEED is not set", "host:port");
        env.put("DESCENT_SEED", "descent-ps-0");
        expectFailure("DESCENT_SEED='descent-ps-0' is not host:port");
    }

    @Test
    void shouldFailClearlyOnAMissingConfigOrAMalformedSetting() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", dir.resolve("none.conf").toString()));
        expectFailure("none.conf' is missing or unreadable", "ConfigMap");
        env.put("DESCENT_CONFIG", config.toString());
        env.put("DESCENT_WORKERS", "0");
        expectFailure("DESCENT_WORKERS='0'");
        env.remove("DESCENT_WORKERS");
        env.put("DESCENT_CLUSTER", "step-timeout");
        expectFailure("DESCENT_CLUSTER entry 'step-timeout' is not key=value");
        env.putAll(Map.of("DESCENT_ROLE", "worker", "DESCENT_SEED", "ps:2551", "DESCENT_RANK", "-1"));
        env.remove("DESCENT_CLUSTER");
        expectFailure("worker rank '-1'");
    }

    @Test
    void shouldRefuseThePlaceholderKeyOrAShortOneWithoutShowingIt() throws Exception
    {
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", config.toString(),
            "DESCENT_CLUSTER_KEY", "replace-me-with-a-random-key"));
        expectFailure("DESCENT_CLUSTER_KEY is still the placeholder of k8s/base/secret.yaml", "openssl rand");
        env.put("DESCENT_CLUSTER_KEY", "short-k3y");
        expectFailure("DESCENT_CLUSTER_KEY is shorter than 16 bytes");
        assertTrue(!Files.readString(dir.resolve("termination-log")).contains("short-k3y"));
        env.put("DESCENT_CLUSTER_KEY", "sixteen-bytes-ok");
        assertEquals(0, run().exitCode());
    }

    @Test
    void shouldPassTheKeyFileNotTheKeyAndDropTheKeyVariable() throws Exception
    {
        final Path key = Files.writeString(dir.resolve("cluster-key"), "  " + KEY + "\n");
        env.putAll(Map.of("DESCENT_ROLE", "worker", "DESCENT_CONFIG", config.toString(), "DESCENT_SEED", "ps:2551",
            "DESCENT_CLUSTER_KEY_FILE", key.toString(), "DESCENT_CLUSTER_KEY", "an-older-key-in-the-environment"));
        final Result result = run();
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("--cluster-key-file", key.toString()),
            result.descentArgs().subList(result.descentArgs().size() - 2, result.descentArgs().size()));
        assertTrue(result.javaArgs().contains("ENV DESCENT_CLUSTER_KEY="), "the file wins; the variable is dropped");
        assertTrue(!(String.join(" ", result.javaArgs()) + result.err()).contains(KEY), "the key is never shown");
    }

    @Test
    void shouldRefuseAMissingEmptyPlaceholderOrShortKeyFileWithoutShowingIt() throws Exception
    {
        final Path key = dir.resolve("cluster-key");
        env.putAll(Map.of("DESCENT_ROLE", "ps", "DESCENT_CONFIG", config.toString(),
            "DESCENT_CLUSTER_KEY_FILE", key.toString()));
        expectFailure("DESCENT_CLUSTER_KEY_FILE '" + key + "' is missing or unreadable", "Secret");
        Files.writeString(key, " \n");
        expectFailure("DESCENT_CLUSTER_KEY_FILE '" + key + "' is empty");
        Files.writeString(key, "replace-me-with-a-random-key\n");
        expectFailure("is still the placeholder of k8s/base/secret.yaml");
        Files.writeString(key, "short-k3y\n");
        expectFailure("DESCENT_CLUSTER_KEY_FILE '" + key + "' is shorter than 16 bytes");
        assertTrue(!Files.readString(dir.resolve("termination-log")).contains("short-k3y"));
        Files.writeString(key, "sixteen-bytes-ok\n");
        assertEquals(0, run().exitCode());
    }

    private void expectFailure(final String... expected) throws Exception
    {
        final Result result = run();
        assertEquals(64, result.exitCode(), "exit code");
        assertEquals(List.of(), result.javaArgs(), "java must not start");
        final String line = result.err().strip();
        assertEquals(1, line.lines().count(), line);
        final String termination = Files.readString(dir.resolve("termination-log")).strip();
        assertEquals(line, termination, "the pod's termination message says why");
        for (final String part : expected)
        {
            assertTrue(line.contains(part), () -> "expected '" + part + "' in: " + line);
        }
    }
}
