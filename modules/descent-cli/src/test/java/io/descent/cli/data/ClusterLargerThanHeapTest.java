package io.descent.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descent train --workers 2} in a launcher JVM with a 160 MiB heap, which its parameter server and two worker
 * JVMs inherit, trains one epoch from a 544 MB shard set (2 M rows of 64 features + 4 one-hot targets): every node
 * memory-maps the shards and streams minibatches (workers) or evaluation batches (server) from them, so the data
 * never enters a heap, and the validation loss falls. Run with
 * {@code -Ddescent.test.groups=slow -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class ClusterLargerThanHeapTest
{
    private static final String HEAP = "160m";
    private static final long ROWS = 2_000_000;
    private static final Pattern HEAP_LIMIT =
        Pattern.compile("(ps|worker) node \\S+ joining .*; heap limit (\\d+) MiB");

    @TempDir
    Path tmp;

    @Test
    void shouldTrainAClusterFromAShardSetSeveralTimesLargerThanEveryNodesHeap() throws Exception
    {
        final Path set = tmp.resolve("set");
        final Path test = tmp.resolve("test");
        ChildJvm.run(tmp, "generate", HEAP, Duration.ofMinutes(2), "data", "generate", "--kind", "teacher",
            "--rows", Long.toString(ROWS), "--features", "64", "--classes", "4", "--hidden", "16", "--shards", "4",
            "--out", set.toString(), "--test-rows", "20000", "--test-out", test.toString(), "--seed", "11");
        final long bytes = ShardJobs.sizeOf(set);
        assertTrue(bytes > 3L * 160 * 1024 * 1024, "the set (" + bytes + " bytes) is over 3× the heap");

        final Path job = Files.writeString(tmp.resolve("job.conf"), String.join("\n",
            "job { name = cluster-larger-than-heap, seed = 5 }",
            "data { source = shards, scaling = none, validation-fraction = 0.02,",
            "  shards { dir = \"" + set + "\", test-dir = \"" + test + "\" } }",
            "model { init = he-normal, layers = [ { type = dense, units = 32, activation = relu },",
            "  { type = dense, units = 4, activation = softmax } ] }",
            "train { loss = cross-entropy, batch-size = 256, learning-rate = 0.05, momentum = 0.9, epochs = 1 }"));
        final double before = ShardJobs.initialValidationLoss(job);
        final Path report = tmp.resolve("report.json");
        final String trained = ChildJvm.run(tmp, "train", HEAP, Duration.ofMinutes(3), "train", "--config",
            job.toString(), "--workers", "2", "--threads", "1", "--no-progress", "--report", report.toString());

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(2, json.get("workers").asInt());
        final Set<Long> pids = new HashSet<>();
        json.get("worker_stats").forEach(worker -> pids.add(worker.get("pid").asLong()));
        assertEquals(2, pids.size(), "two worker processes: " + json.get("worker_stats"));
        // Every node logs its heap limit as it starts; the children's logs reach the launcher's stderr.
        final List<String> roles = new ArrayList<>();
        final Matcher node = HEAP_LIMIT.matcher(Files.readString(tmp.resolve("train.err")));
        while (node.find())
        {
            roles.add(node.group(1));
            final long limit = Long.parseLong(node.group(2));
            assertTrue(limit <= 160 && bytes > 3 * (limit << 20), node.group() + ": the heap is capped");
        }
        assertEquals(List.of("ps", "worker", "worker"), roles.stream().sorted().toList(), "every node's heap limit");
        final JsonNode epoch = json.get("epochs").get(0);
        final double after = epoch.get("val_loss").asDouble();
        System.out.printf("cluster larger-than-heap: %d MB of shards, every node -Xmx%s; %svalidation loss " +
            "%.4f -> %.4f%n", bytes / 1_000_000, HEAP, trained, before, after);
        assertEquals(1_960_000, epoch.get("samples_per_sec").asDouble() * epoch.get("seconds").asDouble(),
            1_960_000 * 1e-3, "one epoch over every training row");
        assertTrue(after < 0.7 * before, "validation loss " + before + " -> " + after);
    }
}
