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
 * and of Adam's state, give bitwise the weights of one server for the same job and seed, and the same report.
 */
@Tag("slow")
class ShardedServersTest
{
    /** 8-512-256-1: 136,193 floats (545 KB), two ranges of at least 256 KiB. */
    private static final String LAYERS = "model.layers=[{type=dense,units=512,activation=tanh}," +
        "{type=dense,units=256,activation=tanh},{type=dense,activation=identity}]";

    @TempDir
    Path dir;

    @Test
    void shouldTrainBitwiseAsOneServerWithTwoShards() throws IOException
    {
        final Path one = train(1);
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

    private Path train(final int servers) throws IOException
    {
        final Path out = Files.createDirectories(dir.resolve("servers-" + servers));
        final List<String> args = new ArrayList<>(List.of("train", "regression", "--workers", "2", "--threads", "1",
            "--set", "train.epochs=2", "--set", "data.synthetic.samples=4000", "--set", LAYERS, "--seed", "5",
            "--save-model", out.resolve("model").toString(), "--report", out.resolve("report.json").toString()));
        if (servers > 1)
        {
            args.addAll(List.of("--servers", String.valueOf(servers)));
        }
        assertEquals(0, DescentCli.run(args.toArray(String[]::new)), "train with " + servers + " server(s)");
        return out;
    }
}
