package io.descent.cli.cluster;

import io.descent.cluster.protocol.ClusterKey;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster key never ends up where it does not belong. A small cluster whose four nodes each get one recognizable
 * key a different way (the server by {@code -D}, the workers by the environment, by {@code --cluster-key-file} and by
 * a config file) trains to the end with checkpoints, a report and a saved model; then every file the run wrote (the
 * checkpoints, the report and its plot, the model artifact, every node's log, stdout and stderr) is searched for the
 * key, and while the nodes ran, their command lines ({@code /proc/PID/cmdline}, what {@code ps} shows) and
 * environments: only the node that was given the key on its command line or in its environment shows it there.
 */
@Tag("slow")
class KeyLeakTest
{
    private static final String KEY = "RECOGNIZABLE-cluster-key-7f3a9c0d51e2";
    private static final String JOB = "job { name = leak, seed = 5 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 600, " +
        "test-samples = 150, features = 8, classes = 3, hidden = 6 } }\n" +
        "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 25, epochs = 2, learning-rate = 0.05 }\n";
    private static final Duration RUN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheKeyOutOfCheckpointsModelReportLogsAndOtherNodesCommandLines() throws Exception
    {
        final Path secrets = Files.createDirectories(dir.resolve("secrets"));
        final Path keyFile = Files.writeString(secrets.resolve("cluster-key"), KEY + "\n");
        final Path appConf = Files.writeString(secrets.resolve("node.conf"),
            "descent.cluster.key = \"" + KEY + "\"\n");
        final Path run = Files.createDirectories(dir.resolve("run"));
        final Path job = Files.writeString(run.resolve("job.conf"), JOB);
        final Path checkpoints = run.resolve("checkpoints");
        final Path report = run.resolve("report.json");
        final Path model = run.resolve("model");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final Map<String, String> noKey = new HashMap<>();
        noKey.put(ClusterKey.ENV, null);
        final Map<String, String> envKey = Map.of(ClusterKey.ENV, KEY);

        final List<String> worker = List.of("worker", "--config", job.toString(), "--join", seed, "--metrics-port", "0",
            "--exit-with-parent");
        final List<Node> nodes = new ArrayList<>();
        try
        {
            nodes.add(new Node("ps by -D", true, new NodeProcess(run, "ps", List.of("-Ddescent.cluster.key=" + KEY),
                List.of("ps", "--config", job.toString(), "--bind", seed, "--workers", "3", "--metrics-port", "0",
                    "--checkpoint-dir", checkpoints.toString(), "--cluster", "checkpoint.every-steps=4",
                    "--report", report.toString(), "--save-model", model.toString(), "--exit-with-parent"), noKey)));
            nodes.add(new Node("worker by environment", false,
                new NodeProcess(run, "w-env", List.of(), worker, envKey)));
            nodes.add(new Node("worker by key file", false, new NodeProcess(run, "w-file", List.of(),
                with(worker, "--cluster-key-file", keyFile.toString()), noKey)));
            nodes.add(new Node("worker by config file", false, new NodeProcess(run, "w-conf",
                List.of("-Dconfig.file=" + appConf), worker, noKey)));

            // What ps shows is fixed at exec: read while the JVMs are still starting.
            for (final Node node : nodes)
            {
                assertTrue(node.process().process().isAlive(), node.way() + " runs: " + node.process().stderr());
                final long pid = node.process().process().pid();
                assertEquals(node.onCommandLine(), read(Path.of("/proc/" + pid + "/cmdline")).contains(KEY),
                    node.way() + ": the key on the command line");
                final boolean inEnvironment = read(Path.of("/proc/" + pid + "/environ")).contains(KEY);
                assertEquals(node.way().contains("environment"), inEnvironment, node.way() + ": in the environment");
            }
            assertEquals(0, nodes.get(0).process().awaitExit(RUN), nodes.get(0).process().stderr());
            for (final Node node : nodes.subList(1, nodes.size()))
            {
                assertEquals(0, node.process().awaitExit(RUN), node.way() + ": " + node.process().stderr());
            }
        }
        finally
        {
            for (final Node node : nodes)
            {
                node.process().close();
            }
        }
        assertTrue(Files.isDirectory(checkpoints) && Files.isRegularFile(report) && Files.isDirectory(model),
            "the run wrote checkpoints, a report and a model");
        final NodeProcess server = nodes.get(0).process();
        final String serverText = server.stdout() + server.stderr() + server.logFile();
        assertTrue(serverText.contains("workers must prove the cluster key from descent.cluster.key"),
            "the server had the key: " + serverText);
        final List<Path> written = files(run);
        assertTrue(written.size() >= 15, "checkpoints, report, model and 4 nodes' out/err/log: " + written);
        for (final Path file : written)
        {
            assertFalse(read(file).contains(KEY), "the key is in " + run.relativize(file));
        }
        assertTrue(serverText.contains("-D" + "descent.cluster.key"),
            "the server warns that a -D key is visible to anyone who lists processes");
    }

    private record Node(String way, boolean onCommandLine, NodeProcess process)
    {
    }

    private static List<String> with(final List<String> args, final String... more)
    {
        final List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private static String read(final Path file) throws IOException
    {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    private static List<Path> files(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
