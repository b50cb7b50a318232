package io.descent.cli.cluster;

import io.descent.cli.DescentCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose data-plane endpoint the parameter server cannot use (Aeron IPC, while the server receives over UDP
 * on its own media driver) is refused at registration: it exits 2 with one line naming its endpoint, and the job of
 * the good worker runs to the end unaffected.
 */
@Tag("slow")
class EndpointRefusalTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, synthetic { kind = teacher, samples = 600, test-samples = 100, features = 8, " +
        "classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 30, epochs = 1 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAWorkerWithAnUnusableEndpointAndFinishTheJobWithoutIt() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "1", "--cluster", "registration-timeout=120s"));
             NodeProcess bad = NodeProcess.asUser(dir, "bad", List.of(), List.of("worker", "--config",
                 job.toString(), "--join", seed, "--aeron", "ipc", "--exit-with-parent")))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, bad.awaitExit(Duration.ofSeconds(90)), bad.stderr());
            // One line says it (a loaded machine may add the sgemm calibration's warning, which is not about this).
            final List<String> lines = bad.stderr().lines().filter(l -> !l.contains("SgemmProbe")).toList();
            assertEquals(1, lines.size(), bad.stderr());
            final String line = lines.get(0);
            assertTrue(line.startsWith("descent: refused by the parameter server") &&
                line.matches(".*'ipc:-?\\d+'.*") && line.contains("receives over UDP"), line);

            try (NodeProcess good = new NodeProcess(dir, "good", List.of("worker", "--config", job.toString(),
                "--join", seed)))
            {
                assertEquals(0, server.awaitExit(Duration.ofSeconds(120)), server.stderr());
                assertEquals(0, good.awaitExit(Duration.ofSeconds(60)), good.stderr());
            }
        }
    }
}
