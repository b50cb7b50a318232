package io.descent.cli.cluster;

import io.descent.cli.DescentCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad command lines of the cluster commands fail fast with exit 2 and one line naming the problem. */
class ClusterBadInputTest
{
    @TempDir
    Path dir;

    @Test
    void shouldNameAControlPlanePortInUse() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final String err = expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:" + taken.getLocalPort());
            assertTrue(err.contains("cannot bind the control plane") &&
                err.contains(String.valueOf(taken.getLocalPort())), err);
        }
    }

    @Test
    void shouldRejectMalformedAddressesAndSettings() throws Exception
    {
        assertTrue(expectBadInput("worker", "--config", job()).contains("--join"));
        assertTrue(expectBadInput("worker", "--config", job(), "--join", "nohost").contains("must be host:port"));
        // --seed is the job's seed on every command; a server address there is pointed to --join.
        final String seedAsAddress = expectBadInput("worker", "--config", job(), "--seed", "127.0.0.1:2551");
        assertTrue(seedAsAddress.contains("--seed") && seedAsAddress.contains("--join HOST:PORT"), seedAsAddress);
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:70000").contains("0..65535"));
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster", "step-timeout=abc")
            .contains("descent.cluster.step-timeout"));
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster", "workers=0")
            .contains("descent.cluster.workers = 0"));
        assertTrue(expectBadInput("train", "--config", job(), "--workers", "0").contains("--workers"));
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster", "step-timout=3s")
            .contains("descent.cluster.step-timeout"));
    }

    @Test
    void shouldRejectABadConsistencyInOneLineOnEveryCommand() throws Exception
    {
        assertOneLine(expectBadInput("train", "--config", job(), "--workers", "3", "--cluster", "consistency=eventual"),
            "descent.cluster.consistency = 'eventual' is not a consistency model; allowed: sync, backup, ssp, async");
        assertOneLine(expectBadInput("train", "--config", job(), "--workers", "2", "--cluster", "consistency=ssp",
            "--cluster", "staleness=-1"), "descent.cluster.staleness = -1 is out of range; allowed: 0 or more");
        assertOneLine(expectBadInput("train", "--config", job(), "--workers", "2", "--cluster", "consistency=backup",
            "--cluster", "backup-workers=2"), "descent.cluster.backup-workers = 2 must be below the 2 workers (0..1)");
        assertOneLine(expectBadInput("train", "--config", job(), "--cluster", "consistency=backup"),
            "--cluster consistency=... needs --workers N");
        assertOneLine(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--workers", "2", "--cluster",
            "consistency=backup", "--cluster", "backup-workers=5"), "descent.cluster.backup-workers = 5 must be below");
        assertOneLine(expectBadInput("worker", "--config", job(), "--join", "127.0.0.1:2551", "--cluster",
            "consistency=ssp", "--cluster", "staleness=x"), "descent.cluster.staleness must be an integer");
    }

    @Test
    void shouldRejectABadCompressionInOneLineOnEveryCommand() throws Exception
    {
        assertOneLine(expectBadInput("train", "--config", job(), "--workers", "2", "--cluster", "compression=zip"),
            "descent.cluster.compression = 'zip' is not a gradient compression; allowed: none, fp16, bf16, threshold");
        assertOneLine(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster",
            "compression=threshold", "--cluster", "threshold.initial-tau=5"),
            "descent.cluster.threshold.initial-tau = 5.0 is out of range");
        assertOneLine(expectBadInput("worker", "--config", job(), "--join", "127.0.0.1:2551", "--cluster",
            "threshold.density=0"), "descent.cluster.threshold.density = 0.0 is out of range");
    }

    private static void assertOneLine(final String err, final String part)
    {
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains(part), err);
    }

    @Test
    void shouldRejectAShortOrMissingKeyFileAndAKeyOnTheCommandLine() throws Exception
    {
        final Path shortKey = Files.writeString(dir.resolve("key"), "too-short\n");
        final String err = expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster-key-file",
            shortKey.toString());
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("--cluster-key-file " + shortKey + " is 9 bytes long") &&
            err.contains("at least 16 bytes") && !err.contains("too-short"), err);
        assertTrue(expectBadInput("worker", "--config", job(), "--join", "127.0.0.1:2551", "--cluster-key-file",
            dir.resolve("absent").toString()).contains("--cluster-key-file " + dir.resolve("absent") +
            " cannot be read"));
        final String onCommandLine = expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--cluster",
            "key=0123456789abcdef0123");
        assertTrue(onCommandLine.contains("--cluster-key-file") && !onCommandLine.contains("0123456789abcdef0123"),
            onCommandLine);
    }

    @Test
    void shouldRefuseWhatServerShardsDoNotSupportYet() throws Exception
    {
        // Checkpoints and --resume work with shards, by steps only: every shard must checkpoint the same steps.
        final String byTime = expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--shards", "2",
            "--checkpoint-dir", dir.toString(), "--cluster", "checkpoint.every=10m");
        assertTrue(byTime.contains("descent.cluster.checkpoint.every = 600s (checkpoints by time) is not yet " +
            "supported with descent.cluster.servers = 2") && byTime.contains("checkpoint.every-steps"), byTime);
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--shard", "1", "--shards", "2")
            .contains("--join"));
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--shard", "2", "--shards", "2")
            .contains("--shard 2 is not one of 0..1"));
        assertTrue(expectBadInput("ps", "--config", job(), "--bind", "127.0.0.1:0", "--shards", "65")
            .contains("1..64"));
        assertTrue(expectBadInput("train", "--config", job(), "--servers", "2").contains("needs --workers"));
        assertTrue(expectBadInput("train", "--config", job(), "--workers", "2", "--cluster", "servers=2")
            .contains("give --servers instead"));
    }

    private String job() throws Exception
    {
        final Path file = dir.resolve("job.conf");
        Files.writeString(file, "data { source = synthetic, synthetic { kind = xor, samples = 200, " +
            "test-samples = 50 } }\nmodel { layers = [ { type = dense, units = 4 }, { type = dense } ] }\n");
        return file.toString();
    }

    private static String expectBadInput(final String... args)
    {
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(DescentCli.EXIT_BAD_INPUT, code, err.toString());
        return err.toString();
    }
}
