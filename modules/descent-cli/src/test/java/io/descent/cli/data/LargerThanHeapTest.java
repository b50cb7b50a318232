package io.descent.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker JVM with a 128 MiB heap generates a 626 MB shard set (2.3 M rows of 64 features + 4 one-hot targets) and
 * trains one epoch from it by memory-mapping the shards: the data never enters the heap, and the loss goes down.
 * Run with {@code -Ddescent.test.groups=slow -Ddescent.test.excludedGroups=none}.
 */
@Tag("slow")
class LargerThanHeapTest
{
    private static final String HEAP = "128m";
    private static final long ROWS = 2_300_000;

    @TempDir
    Path tmp;

    @Test
    void shouldTrainFromAShardSetSeveralTimesLargerThanTheHeap() throws Exception
    {
        final Path set = tmp.resolve("set");
        final Path test = tmp.resolve("test");
        final String generated = ChildJvm.run(tmp, "generate", HEAP, Duration.ofMinutes(3), "data", "generate",
            "--kind", "teacher", "--rows", Long.toString(ROWS), "--features", "64", "--classes", "4", "--hidden", "16",
            "--shards", "4", "--out", set.toString(), "--test-rows", "20000", "--test-out", test.toString(),
            "--seed", "11");
        final long bytes = ShardJobs.sizeOf(set);
        assertTrue(bytes > 4L * 128 * 1024 * 1024, "the set (" + bytes + " bytes) is over 4× the heap");

        final Path job = Files.writeString(tmp.resolve("job.conf"), String.join("\n",
            "job { name = larger-than-heap, seed = 5 }",
            "data { source = shards, scaling = none, validation-fraction = 0.02,",
            "  shards { dir = \"" + set + "\", test-dir = \"" + test + "\" } }",
            "model { init = he-normal, layers = [ { type = dense, units = 32, activation = relu },",
            "  { type = dense, units = 4, activation = softmax } ] }",
            "train { loss = cross-entropy, batch-size = 256, learning-rate = 0.05, momentum = 0.9, epochs = 1 }"));
        final double before = ShardJobs.initialValidationLoss(job);
        final Path report = tmp.resolve("report.json");
        final String trained = ChildJvm.run(tmp, "train", HEAP, Duration.ofMinutes(4), "train", "--config",
            job.toString(), "--no-progress", "--report", report.toString());

        final JsonNode epoch = JsonReports.mapper().readTree(report.toFile()).get("epochs").get(0);
        final double after = epoch.get("val_loss").asDouble();
        System.out.printf("larger-than-heap: %d MB of shards, -Xmx%s; %s%s; validation loss %.4f -> %.4f%n",
            bytes / 1_000_000, HEAP, generated, trained, before, after);
        assertEquals(2_254_000, epoch.get("samples_per_sec").asDouble() * epoch.get("seconds").asDouble(),
            2_254_000 * 1e-6, "one epoch over every training row");
        assertTrue(after < 0.7 * before, "validation loss " + before + " -> " + after);
    }
}
