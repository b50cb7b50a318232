package io.descent.cli.cluster;

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
 * {@code descent train --workers 2} runs its cluster over mutual TLS without being asked: each node says so in its
 * log, with a certificate of the job's throw-away CA, and nothing of that CA is left on disk afterwards.
 */
@Tag("slow")
class LocalClusterTlsTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, synthetic { kind = teacher, samples = 600, test-samples = 100, features = 8, " +
        "classes = 3, hidden = 8 } }\n" +
        "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 30, epochs = 1 }\n";

    @TempDir
    Path dir;

    @Test
    void shouldTrainOverMutualTlsByDefaultAndLeaveNoKeyBehind() throws Exception
    {
        final Path job = Files.writeString(dir.resolve("job.conf"), JOB);
        final Path tmp = Files.createDirectory(dir.resolve("tmp"));
        try (NodeProcess train = NodeProcess.asUser(dir, "train", List.of("-Djava.io.tmpdir=" + tmp),
            List.of("train", "--config", job.toString(), "--workers", "2", "--threads", "1")))
        {
            assertEquals(0, train.awaitExit(Duration.ofSeconds(120)), train.stderr());
            assertTrue(train.stdout().contains("2 workers joined"), train.stdout());
            assertTrue(train.logFile().contains("control plane: mutual TLS with a throw-away CA; 3 node certificates"),
                train.logFile());
        }
        for (final String node : List.of("ps", "worker-0", "worker-1"))
        {
            final String log = Files.readString(dir.resolve("train-" + node + ".log"));
            assertTrue(log.contains("control plane: mutual-tls (TLSv1.3") &&
                log.contains("names [" + node + ", descent-local]"), node + ":\n" + log);
        }
        try (var left = Files.list(tmp))
        {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("descent-tls-")).toList());
        }
    }
}
