package io.descent.cli.cluster;

import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.checkpoint.CompletionMarker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of a job with checkpoints, in real processes: a completed job leaves the checkpoint of its last step and a
 * completion marker, and a server started again on that directory exits 0 at once (a marker of another job: exit 2);
 * a server that gets SIGTERM mid-run writes the checkpoint of its last applied step, and a server resumed from it
 * with new workers ends with the uninterrupted run's final weights and optimizer state, bit for bit.
 */
@Tag("slow")
class CompletionTest
{
    private static final String JOB = "job { name = synth, seed = 3 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = teacher, samples = 1000, " +
        "test-samples = 300, features = 16, classes = 3, hidden = 12 } }\n" +
        "model { layers = [ { type = dense, units = 32, activation = relu }, { type = dense } ] }\n" +
        "train { loss = cross-entropy, batch-size = 25, epochs = 4, learning-rate = 0.05 }\n";
    /** No periodic checkpoint: what is on disk comes from the job's end or from the signal. */
    private static final String NO_INTERVAL = "checkpoint.every-steps=1000000";
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final int SIGTERM_EXIT = 128 + 15;
    private static final Pattern STEPS = Pattern.compile("examples, (\\d+) steps");

    @TempDir
    static Path shared;
    /** The uninterrupted run's checkpoint directory and final step count. */
    private static Path baseline;
    private static long totalSteps;

    @TempDir
    Path dir;

    @BeforeAll
    static void runTheJobToTheEnd() throws Exception
    {
        baseline = shared.resolve("baseline");
        try (Job job = runJob(shared, "baseline", baseline, null))
        {
            assertEquals(0, job.server().awaitExit(RUN), job.server().stderr());
            final Matcher steps = STEPS.matcher(job.server().stdout());
            assertTrue(steps.find(), job.server().stdout());
            totalSteps = Long.parseLong(steps.group(1));
        }
    }

    @Test
    void shouldCheckpointTheLastStepMarkTheJobCompleteAndExitAtOnceWhenResumedAfterIt() throws Exception
    {
        assertEquals(List.of(CompletionMarker.FILE, step(totalSteps)), entries(baseline),
            "the last step's checkpoint only (no interval), then the marker");
        assertEquals(totalSteps, CheckpointStore.read(baseline.resolve(step(totalSteps))).step());
        final CompletionMarker marker = CompletionMarker.read(baseline).orElseThrow();
        assertEquals(totalSteps, marker.steps());
        assertEquals(2, marker.shards());

        try (NodeProcess again = server(dir, "again", job(dir, JOB), baseline, baseline))
        {
            assertEquals(0, again.awaitExit(RUN), again.stderr());
            assertTrue(again.stdout().lines().anyMatch(line -> line.startsWith("job already completed: " + totalSteps +
                " steps with 2 workers")), again.stdout());
            assertEquals("", again.stderr().strip(), "no warning, no error");
        }
        try (NodeProcess other = server(dir, "other", job(dir, JOB.replace("seed = 3", "seed = 4")), null, baseline))
        {
            assertEquals(2, other.awaitExit(RUN), other.stdout());
            final List<String> lines = other.stderr().strip().lines().toList();
            assertEquals(1, lines.size(), other.stderr());
            assertTrue(lines.get(0).contains("--resume " + baseline + ": the job that completed there had another " +
                "configuration"), lines.get(0));
        }
        assertEquals(List.of(CompletionMarker.FILE, step(totalSteps)), entries(baseline), "left as it was");
    }

    @Test
    void shouldCheckpointTheLastAppliedStepOnSigtermAndResumeToTheUninterruptedResult() throws Exception
    {
        final Path checkpoints = dir.resolve("checkpoints");
        final long stoppedAt;
        try (Job job = runJob(dir, "first", checkpoints, null))
        {
            final NodeProcess server = job.server();
            server.awaitOutput("epoch 1/", RUN);
            server.process().destroy();
            assertEquals(SIGTERM_EXIT, server.awaitExit(RUN), server.stderr());
            final Matcher written = Pattern.compile("stopped while training: checkpoint of step (\\d+) written")
                .matcher(server.stderr());
            assertTrue(written.find(), "the log's end:\n" + tail(server.stderr()));
            stoppedAt = Long.parseLong(written.group(1));
        }
        assertTrue(stoppedAt > 0 && stoppedAt < totalSteps, "mid-run: step " + stoppedAt + " of " + totalSteps);
        assertEquals(List.of(step(stoppedAt)), entries(checkpoints), "only the signal's checkpoint, and no marker");
        final Checkpoint stopped = CheckpointStore.read(checkpoints.resolve(step(stoppedAt)));
        assertEquals(stoppedAt, stopped.step());

        try (Job job = runJob(dir, "resumed", checkpoints, checkpoints))
        {
            final NodeProcess resumed = job.server();
            assertEquals(0, resumed.awaitExit(RUN), resumed.stderr());
            assertTrue(resumed.stdout().contains("training synth from step " + stoppedAt), resumed.stdout());
        }
        assertTrue(CompletionMarker.read(checkpoints).isPresent(), "the resumed job completed");
        final Path last = checkpoints.resolve(step(totalSteps));
        final Path expected = baseline.resolve(step(totalSteps));
        for (int i = 0; i < CheckpointStore.read(last).vectorLengths().length; i++)
        {
            final String vector = "vector-" + i + ".f32";
            assertArrayEquals(Files.readAllBytes(expected.resolve(vector)), Files.readAllBytes(last.resolve(vector)),
                vector + ": weights and optimizer state equal the uninterrupted run's");
        }
    }

    /** A server and its two workers; closing kills whatever still runs. */
    private record Job(NodeProcess server, List<NodeProcess> workers) implements AutoCloseable
    {
        @Override
        public void close() throws InterruptedException
        {
            server.close();
            for (final NodeProcess worker : workers)
            {
                worker.close();
            }
        }
    }

    /** Starts a server checkpointing into {@code checkpoints} (resuming from {@code resume} when not null), 2 workers. */
    private static Job runJob(final Path dir, final String name, final Path checkpoints, final Path resume)
        throws IOException
    {
        final Path job = job(dir, JOB);
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        final NodeProcess server = server(dir, name + "-ps", job, seed, checkpoints, resume);
        final List<NodeProcess> workers = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++)
        {
            workers.add(new NodeProcess(dir, name + "-w" + rank, List.of("worker", "--config", job.toString(),
                "--join", seed, "--metrics-port", "0")));
        }
        return new Job(server, workers);
    }

    /** A server on its own, with the logging a user gets (its stderr is what a terminal would show). */
    private static NodeProcess server(final Path dir, final String name, final Path job, final Path checkpoints,
        final Path resume) throws IOException
    {
        final List<String> args = serverArgs(job, "127.0.0.1:" + NodeProcess.freePort(), checkpoints, resume);
        args.add("--exit-with-parent");
        return NodeProcess.asUser(dir, name, List.of(), args);
    }

    private static NodeProcess server(final Path dir, final String name, final Path job, final String bind,
        final Path checkpoints, final Path resume) throws IOException
    {
        return new NodeProcess(dir, name, serverArgs(job, bind, checkpoints, resume));
    }

    private static List<String> serverArgs(final Path job, final String bind, final Path checkpoints,
        final Path resume)
    {
        final List<String> args = new ArrayList<>(List.of("ps", "--config", job.toString(), "--bind", bind,
            "--workers", "2", "--metrics-port", "0", "--cluster", NO_INTERVAL));
        if (null != checkpoints)
        {
            args.addAll(List.of("--checkpoint-dir", checkpoints.toString()));
        }
        if (null != resume)
        {
            args.addAll(List.of("--resume", resume.toString()));
        }
        return args;
    }

    private static Path job(final Path dir, final String text) throws IOException
    {
        final Path file = dir.resolve("job-" + Integer.toHexString(text.hashCode()) + ".conf");
        return Files.exists(file) ? file : Files.writeString(file, text);
    }

    private static String tail(final String text)
    {
        final List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static String step(final long step)
    {
        return String.format("step-%012d", step);
    }

    private static List<String> entries(final Path directory) throws IOException
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
