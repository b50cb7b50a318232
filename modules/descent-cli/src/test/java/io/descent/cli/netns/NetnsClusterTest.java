package io.descent.cli.netns;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * scripts/netns-cluster.sh: the parameter server and two workers each in its own network namespace (own IP, Akka TCP
 * and Aeron UDP between distinct addresses) train a job to the end, also when one worker's link is cut mid-run, and
 * leave no namespace behind. Needs root and {@code ip netns}; skipped otherwise.
 */
@Tag("slow")
class NetnsClusterTest
{
    private static final Path SCRIPT = Path.of("../../scripts/netns-cluster.sh");
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final Pattern REGISTERED = Pattern.compile("worker rank (\\d+) registered: .* data plane " +
        "(10\\.77\\.0\\.\\d+):\\d+");

    @TempDir
    Path dir;

    record Run(int exitCode, String output, Path logs, long scriptPid)
    {
        /** @return what node {@code name} wrote: its output and its log file (absent when logging to the console). */
        String node(final String name) throws IOException
        {
            final Path log = logs.resolve(name + ".log");
            return Files.readString(logs.resolve(name + ".out")) + (Files.exists(log) ? Files.readString(log) : "");
        }
    }

    @BeforeAll
    static void needsRootAndNetworkNamespaces() throws Exception
    {
        assumeTrue("0".equals(String.valueOf(command("id", "-u")).strip()), "needs root to create network namespaces");
        assumeTrue(null != command("ip", "netns", "list"), "needs iproute2 with 'ip netns'");
    }

    @Test
    void shouldTrainAcrossNamespacesWithDistinctAddresses() throws Exception
    {
        final Path report = dir.resolve("report.json");
        final Run run = run("--workers", "2", "--report", report.toString(), "--",
            "regression", "--set", "train.epochs=3");
        assertEquals(0, run.exitCode(), run.output());
        final String ps = run.node("ps");
        assertTrue(ps.contains("data plane 10.77.0.1:40123"), "the server receives over UDP on its own IP:\n" + ps);
        assertTrue(ps.contains("workers must prove the cluster key from the environment variable DESCENT_CLUSTER_KEY"),
            "the script gives every node a key:\n" + ps);
        final Set<String> workerIps = new HashSet<>();
        final Matcher registered = REGISTERED.matcher(run.node("ps"));
        while (registered.find())
        {
            workerIps.add(registered.group(2));
        }
        assertEquals(Set.of("10.77.0.10", "10.77.0.11"), workerIps, "each worker registers from its own address");

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("cluster", json.get("mode").asText());
        assertEquals(2, json.get("workers").asInt());
        assertEquals(3, json.get("epochs").size());
        assertTrue(json.get("server_stats").get("bytes_received").asLong() > 0);
        final Set<Long> pids = new HashSet<>(Set.of(json.get("server_stats").get("pid").asLong()));
        assertEquals(2, json.get("worker_stats").size(), json.toString());
        for (final JsonNode worker : json.get("worker_stats"))
        {
            assertTrue(pids.add(worker.get("pid").asLong()), "distinct processes: " + json);
            assertTrue(worker.get("bytes_sent").asLong() > 0, json.toString());
        }
        assertNoNamespaceLeft(run);
    }

    @Test
    void shouldCompleteTheJobWhenAWorkersLinkIsCut() throws Exception
    {
        final Path report = dir.resolve("report.json");
        final Run run = run("--workers", "2", "--cut-worker", "1", "--cut-after", "1.5", "--step-timeout", "3s",
            "--report", report.toString(), "--", "regression", "--set", "train.epochs=5");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("link v-w1 down"), run.output());
        final String ps = run.node("ps");
        assertTrue(ps.contains("dropped worker rank") && ps.contains("step-timeout"), ps);
        assertTrue(ps.contains("epoch 5/5") && ps.contains("lost ranks ["), ps);
        assertTrue(run.output().contains("the server dropped the cut worker"), run.output());

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("cluster", json.get("mode").asText());
        assertEquals(5, json.get("epochs").size());
        assertTrue(json.get("final").get("steps").asLong() > 0);
        assertNoNamespaceLeft(run);
    }

    private Run run(final String... args) throws Exception
    {
        final Path logs = Files.createDirectories(dir.resolve("logs"));
        final Path output = dir.resolve("script.out");
        final List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--log-dir", logs.toString()));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().put("DESCENT_NODE_CMD", nodeLauncher().toString());
        final Process script = builder.start();
        if (!script.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS))
        {
            script.destroy(); // TERM: the script's trap stops the nodes and deletes the namespaces
            if (!script.waitFor(20, TimeUnit.SECONDS))
            {
                script.destroyForcibly();
            }
            throw new AssertionError("netns-cluster.sh still running after " + DEADLINE + ":\n" +
                Files.readString(output));
        }
        return new Run(script.exitValue(), Files.readString(output), logs, script.pid());
    }

    /** A launcher for one node: this JVM's java, flags and class path, so no build runs under the test. */
    private Path nodeLauncher() throws IOException
    {
        final List<String> java = new ArrayList<>();
        java.add(ProcessHandle.current().info().command().orElseThrow());
        java.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (java.stream().noneMatch(flag -> flag.contains("jdk.internal.misc=ALL-UNNAMED")))
        {
            java.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        }
        java.add("-Xmx1g");
        java.addAll(List.of("-cp", System.getProperty("java.class.path"), DescentCli.class.getName()));
        final StringBuilder script = new StringBuilder("#!/bin/sh\nexec");
        for (final String word : java)
        {
            script.append(" '").append(word.replace("'", "'\\''")).append('\'');
        }
        script.append(" \"$@\"\n");
        final Path launcher = dir.resolve("descent-node");
        Files.writeString(launcher, script);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    private static void assertNoNamespaceLeft(final Run run) throws Exception
    {
        final String namespaces = command("ip", "netns", "list");
        assertFalse(namespaces.contains("dsc" + run.scriptPid() + "-"), "namespaces left behind:\n" + namespaces);
        assertTrue(run.output().contains("cleaned up namespaces"), run.output());
    }

    /** @return the command's standard output, or null when it fails or does not finish within 10 s. */
    private static String command(final String... command) throws Exception
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (final IOException ex)
        {
            return null;
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return null;
        }
        return process.exitValue() == 0 ? out : null;
    }
}
