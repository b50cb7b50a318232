package io.descent.cli.cluster;

import io.descent.transport.driver.DriverDirectories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM in the middle of a job, as real processes get it from a terminal, a scheduler or Kubernetes: the local
 * launcher stops every child; a parameter server or a worker started on its own exits; nothing is left in the Aeron
 * base directory (a unique one under /dev/shm per test, so other runs on this host cannot blur the check), and the
 * signalled process prints no warnings on its way out.
 */
@Tag("slow")
class ShutdownTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 6000, " +
        "test-samples = 1000, features = 20, classes = 4, hidden = 16 } }\n" +
        "model { layers = [ { type = dense, units = 64, activation = relu }, { type = dense } ] }\n" +
        // Far more epochs than the test waits for: every signal lands mid-run.
        "train { loss = cross-entropy, batch-size = 32, epochs = 1000, learning-rate = 0.05 }\n";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int SIGTERM_EXIT = 128 + 15;

    @TempDir
    Path dir;
    private Path aeronBase;

    @BeforeEach
    void makeAeronBase() throws IOException
    {
        aeronBase = Files.createDirectories(Path.of("/dev/shm").resolve("descent-shutdown-test-" + UUID.randomUUID()));
    }

    @AfterEach
    void deleteAeronBase() throws IOException
    {
        try (Stream<Path> paths = Files.walk(aeronBase))
        {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void shouldStopEveryChildAndLeaveNothingWhenTheLauncherIsTerminated() throws Exception
    {
        try (NodeProcess launcher = NodeProcess.asUser(dir, "launcher", List.of(aeronBaseFlag()),
            List.of("train", "--config", job().toString(), "--workers", "2", "--threads", "1")))
        {
            launcher.awaitOutput("epoch 1/", START);
            final List<ProcessHandle> children = launcher.process().toHandle().children().toList();
            assertEquals(3, children.size(), "a server and two workers: " + children);
            assertEquals(1, aeronDirectories().size(), "the launcher's shared driver: " + aeronDirectories());
            final int before = launcher.stderr().length();

            launcher.process().destroy();

            assertEquals(SIGTERM_EXIT, launcher.awaitExit(EXIT), launcher.stderr());
            for (final ProcessHandle child : children)
            {
                assertFalse(child.isAlive(), "child " + child.pid() + " outlived the launcher");
            }
            assertEquals(List.of(), aeronDirectories(), "Aeron directories left in " + aeronBase);
            assertQuietAfter(launcher, before);
        }
    }

    @Test
    void shouldLeaveNothingWhenAWorkerAndThenTheServerAreTerminated() throws Exception
    {
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final String job = job().toString();
        try (NodeProcess server = node("ps", List.of("ps", "--config", job, "--bind", seed, "--workers", "2",
                "--metrics-port", "0"));
            // A server that goes away is waited for (it may be restarted): briefly here.
            NodeProcess stays = node("w0", List.of("worker", "--config", job, "--join", seed, "--metrics-port", "0",
                "--cluster", "server-lost-timeout=2s"));
            NodeProcess leaves = node("w1", List.of("worker", "--config", job, "--join", seed, "--metrics-port", "0")))
        {
            server.awaitOutput("epoch 1/", START);
            assertEquals(3, aeronDirectories().size(), "one embedded driver per node: " + aeronDirectories());

            terminate(leaves);
            server.awaitOutput("1/2 workers", START);
            terminate(server);
            assertFalse(server.stdout().contains("job failed"), "a stopped server reports no failure: " +
                server.stdout());

            assertEquals(1, stays.awaitExit(EXIT), stays.stderr());
            assertTrue(stays.stderr().contains("the parameter server left the cluster") &&
                stays.stderr().contains("server-lost-timeout = 2 s"), stays.stderr());
            assertEquals(List.of(), aeronDirectories(), "Aeron directories left in " + aeronBase);
        }
    }

    /** SIGTERM: the node exits as a signalled process does, its driver's directory goes, it prints nothing more. */
    private void terminate(final NodeProcess node) throws Exception
    {
        final long pid = node.process().pid();
        assertEquals(1, directoriesOf(pid).size(), "its embedded driver: " + aeronDirectories());
        final int before = node.stderr().length();
        node.process().destroy();
        assertEquals(SIGTERM_EXIT, node.awaitExit(EXIT), node.stderr());
        assertEquals(List.of(), directoriesOf(pid), "its Aeron directory");
        assertQuietAfter(node, before);
    }

    /** Nothing but the progress it printed before: no warning, no error, no stack trace once the signal came. */
    private static void assertQuietAfter(final NodeProcess node, final int stderrBefore) throws IOException
    {
        final String after = node.stderr().substring(stderrBefore);
        assertEquals("", after.strip(), "stderr after SIGTERM; the log has the details:\n" + tail(node.logFile()));
        assertFalse(node.stderr().lines().anyMatch(line -> line.contains(" WARN ") && line.contains(" a.")),
            "no Akka warning on the terminal:\n" + node.stderr());
    }

    private NodeProcess node(final String name, final List<String> args) throws IOException
    {
        final List<String> withParent = new ArrayList<>(args);
        withParent.add("--exit-with-parent");
        return NodeProcess.asUser(dir, name, List.of(aeronBaseFlag()), withParent);
    }

    private String aeronBaseFlag()
    {
        return "-Ddescent.transport.driver.base-dir=" + aeronBase;
    }

    private List<Path> aeronDirectories() throws IOException
    {
        try (Stream<Path> entries = Files.list(aeronBase))
        {
            return entries.sorted().collect(Collectors.toList());
        }
    }

    private List<Path> directoriesOf(final long pid) throws IOException
    {
        final String prefix = DriverDirectories.PREFIX + pid + "-";
        return aeronDirectories().stream().filter(path -> path.getFileName().toString().startsWith(prefix))
            .collect(Collectors.toList());
    }

    private Path job() throws IOException
    {
        final Path file = dir.resolve("job.conf");
        if (!Files.exists(file))
        {
            Files.writeString(file, JOB);
        }
        return file;
    }

    private static String tail(final String text)
    {
        final List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

}
