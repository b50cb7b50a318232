package io.descent.cli.cluster;

import io.descent.cli.DescentCli;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server shard registers with the coordinator as a worker registers with the server: it proves the cluster key and
 * runs the job's data-plane MAC, consistency and compression, or it is refused with one line on both sides (exit 2
 * for the shard) and the coordinator goes on waiting for a shard it can take.
 */
@Tag("slow")
class ShardRegistrationTest
{
    private static final List<String> JOB = List.of("regression", "--set", "train.epochs=1", "--seed", "5",
        "--cluster", "shard-min-bytes=4k", "--cluster", "registration-timeout=120s");

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAShardWithoutTheKeyOrWithAnotherCompressionOnBothSides() throws Exception
    {
        final Path key = Files.writeString(dir.resolve("key"), "the-right-cluster-key-0123\n");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess coordinator = node("ps", List.of("ps", "--shard", "0", "--shards", "2", "--workers", "1",
                "--bind", seed, "--cluster-key-file", key.toString())))
        {
            try (NodeProcess keyless = shard("keyless", seed, List.of()))
            {
                final String line = "cluster key differs: server shard 1 has no cluster key but the parameter " +
                    "server has one";
                assertEquals(DescentCli.EXIT_BAD_INPUT, keyless.awaitExit(Duration.ofSeconds(120)), keyless.stderr());
                assertTrue(keyless.stderr().contains("the coordinator refused server shard 1: " + line),
                    keyless.stderr());
                awaitLog(coordinator, "refused server shard 1");
                assertTrue(coordinator.stderr().contains(line), coordinator.stderr());
            }
            try (NodeProcess other = shard("fp16", seed, List.of("--cluster-key-file", key.toString(), "--cluster",
                "compression=fp16")))
            {
                final String line = "compression differs: server shard 1 uses fp16 but the parameter server uses none";
                assertEquals(DescentCli.EXIT_BAD_INPUT, other.awaitExit(Duration.ofSeconds(120)), other.stderr());
                assertTrue(other.stderr().contains(line), other.stderr());
                awaitLog(coordinator, line);
            }
            assertTrue(coordinator.process().isAlive(), "the coordinator waits on: " + coordinator.stderr());
            assertTrue(!coordinator.stderr().contains("server shard 1 registered"), coordinator.stderr());
        }
    }

    private NodeProcess shard(final String name, final String seed, final List<String> extra) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("ps", "--shard", "1", "--shards", "2", "--workers", "1",
            "--join", seed, "--bind", "127.0.0.1:" + NodeProcess.freePort()));
        command.addAll(extra);
        return node(name, command);
    }

    private NodeProcess node(final String name, final List<String> command) throws Exception
    {
        final List<String> args = new ArrayList<>(command);
        args.addAll(JOB);
        return new NodeProcess(dir, name, args);
    }

    private static void awaitLog(final NodeProcess node, final String text) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.stderr().contains(text) && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(100_000_000L);
        }
        assertTrue(node.stderr().contains(text), "no '" + text + "' in:\n" + node.stderr());
    }
}
