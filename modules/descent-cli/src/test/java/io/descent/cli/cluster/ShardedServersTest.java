package io.descent.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.model.artifact.ArtifactStore;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --workers 2 --servers 2}: two parameter-server shards, each its own JVM holding half of the weights
 * and of Adam's state, give bitwise the weights of one server for the same job and seed, and the same report; with
 * gradient-norm clipping, one server's weights up to float rounding. The local cluster's data plane runs its MAC.
 */
@Tag("slow")
class ShardedServersTest
{
    /** 8-512-256-1: 136,193 floats (545 KB), two ranges of at least 256 KiB. */
    private static final String LAYERS = "model.layers=[{type=dense,units=512,activation=tanh}," +
        "{type=dense,units=256,activation=tanh},{type=dense,activation=identity}]";

    /** Small enough to clip every step of this job. */
    private static final String CLIP = "0.01";

    /** Shared by both tests: each run is a cluster of several JVMs. */
    @TempDir
    static Path dir;
    /** The unclipped job on one server, trained once for both tests. */
    private static Path oneServer;

    @Test
    void shouldTrainBitwiseAsOneServerWithTwoShards() throws IOException
    {
        final Path one = oneServer();
        final Path two = train(2);
        assertArrayEquals(ArtifactStore.read(one.resolve("model")).weights(),
            ArtifactStore.read(two.resolve("model")).weights(), "two shards' final weights, bit for bit");
        final JsonNode single = JsonReports.mapper().readTree(one.resolve("report.json").toFile());
        final JsonNode sharded = JsonReports.mapper().readTree(two.resolve("report.json").toFile());
        assertEquals(single.get("final").get("test_loss").asDouble(), sharded.get("final").get("test_loss").asDouble(),
            "evaluated on the same weights");
        for (int epoch = 0; epoch < 2; epoch++)
        {
            assertEquals(single.get("epochs").get(epoch).get("val_loss").asDouble(),
                sharded.get("epochs").get(epoch).get("val_loss").asDouble(), "epoch " + (epoch + 1) + "'s validation");
        }
        assertTrue(single.get("server_stats").isObject(), "one server: its object, as before");
        final JsonNode servers = sharded.get("server_stats");
        assertEquals(2, servers.size(), "one entry per shard: " + servers);
        final long steps = sharded.get("final").get("steps").asLong();
        for (int shard = 0; shard < 2; shard++)
        {
            final JsonNode entry = servers.get(shard);
            assertEquals(shard, entry.get("shard").asInt());
            assertEquals(steps, entry.get("steps").asLong(), "shard " + shard + " took every step: " + entry);
            assertTrue(entry.get("bytes_received").asLong() > 0, entry.toString());
            assertEquals(0, entry.get("ignored_gradients").asLong(), entry.toString());
        }
        assertNotEquals(servers.get(0).get("pid").asLong(), servers.get(1).get("pid").asLong(), "two processes");
        assertEquals(single.get("server_stats").get("bytes_received").asLong(),
            servers.get(0).get("bytes_received").asLong() + servers.get(1).get("bytes_received").asLong(),
            "the shards received the gradients' ranges: together every gradient's bytes");
    }

    /**
     * With {@code train.clip-norm} small enough to clip every step, two shards (each scaling its range by the global
     * norm the coordinator sums) train to one server's clipped weights up to float rounding, far from the unclipped
     * ones; the data plane ran its MAC (a local cluster has a key) and dropped nothing.
     */
    @Test
    void shouldClipByTheGlobalNormWithTwoShards() throws IOException
    {
        final float[] one = ArtifactStore.read(train(1, CLIP).resolve("model")).weights();
        final Path sharded = train(2, CLIP);
        final float[] two = ArtifactStore.read(sharded.resolve("model")).weights();
        final float[] free = ArtifactStore.read(oneServer().resolve("model")).weights();
        final double rounding = maxDifference(one, two);
        final double clipping = maxDifference(one, free);
        // Measured: 4.5e-8 apart (nrm2 of two ranges vs of the whole vector), 1.8e-2 from the unclipped weights.
        assertTrue(rounding < 1e-5, "two shards clip as one server, up to float rounding: " + rounding);
        assertTrue(clipping > 1e-3, "the bound clipped: unclipped weights differ by " + clipping);
        final JsonNode report = JsonReports.mapper().readTree(sharded.resolve("report.json").toFile());
        assertEquals(io.descent.transport.wire.FastestMac.onThisRuntime().label(),
            report.at("/security/data_plane").asText(), report.toString());
        final JsonNode shards = report.get("server_stats");
        assertTrue(shards.isArray() && shards.size() == 2, "one entry per shard: " + shards);
        shards.forEach(ShardedServersTest::assertNothingDropped);
        report.get("worker_stats").forEach(ShardedServersTest::assertNothingDropped);
    }

    private static void assertNothingDropped(final JsonNode node)
    {
        final JsonNode rejected = node.get("transport").get("rejected_chunks");
        rejected.fieldNames().forEachRemaining(reason ->
            assertEquals(0, rejected.get(reason).asLong(-1), reason + " in " + node));
        assertEquals(0, node.get("transport").get("crc_failures").asLong(-1), node.toString());
    }

    private static double maxDifference(final float[] a, final float[] b)
    {
        assertEquals(a.length, b.length);
        double max = 0.0;
        for (int i = 0; i < a.length; i++)
        {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static synchronized Path oneServer() throws IOException
    {
        if (null == oneServer)
        {
            oneServer = train(1);
        }
        return oneServer;
    }

    private static Path train(final int servers) throws IOException
    {
        return train(servers, null);
    }

    /** Trains the job with {@code servers} shards, with {@code train.clip-norm = clip} unless null. */
    private static Path train(final int servers, final String clip) throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("servers-" + servers + (null == clip ? "" : "-clip")));
        final List<String> args = new ArrayList<>(List.of("train", "regression", "--workers", "2", "--threads", "1",
            "--set", "train.epochs=2", "--set", "data.synthetic.samples=4000", "--set", LAYERS, "--seed", "5",
            "--save-model", out.resolve("model").toString(), "--report", out.resolve("report.json").toString()));
        if (servers > 1)
        {
            args.addAll(List.of("--servers", String.valueOf(servers)));
        }
        if (null != clip)
        {
            args.addAll(List.of("--set", "train.clip-norm=" + clip));
        }
        assertEquals(0, DescentCli.run(args.toArray(String[]::new)), "train with " + servers + " server(s)");
        return out;
    }
}
