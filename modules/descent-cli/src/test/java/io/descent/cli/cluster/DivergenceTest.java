package io.descent.cli.cluster;

import io.descent.cli.DescentCli;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.Model;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.JobSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input found while a job runs, in separate JVMs as a user runs them: a learning rate far too large stops the
 * job with exit 2 and one line on stderr in every cluster mode, keeps the last good checkpoints, and ends the workers;
 * a checkpoint of another job, or a damaged one, is refused the same way. Linear regression with plain SGD: at
 * learning rate 6 the weights blow up within a few dozen steps.
 */
@Tag("slow")
class DivergenceTest
{
    private static final String JOB = "job { name = diverging, seed = 3 }\n" +
        "data { source = synthetic, scaling = standardize, synthetic { kind = linear, samples = 2000, " +
        "test-samples = 200, features = 8 } }\n" +
        "model { layers = [ { type = dense, activation = identity } ] }\n" +
        "train { loss = mse, batch-size = 32, epochs = 3, learning-rate = 6, momentum = 0.0 }\n";
    private static final Pattern DIVERGED = Pattern.compile("training diverged at step (\\d+), epoch \\d+: loss \\S+" +
        "(, gradient not finite|, weights not finite after the update)?; lower train.learning-rate \\(now 6\\)");

    @TempDir
    Path dir;

    @Test
    void shouldStopALocalClusterThatDivergesWithExit2AndOneLine() throws Exception
    {
        try (NodeProcess train = new NodeProcess(dir, "train", List.of("train", "--config", job("").toString(),
            "--workers", "2", "--threads", "1", "--no-progress"), false))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, train.awaitExit(Duration.ofSeconds(120)), train.stderr());
            assertTrue(DIVERGED.matcher(oneLine(train.stderr(), "descent: ")).matches(), train.stderr());
            assertFalse(train.stdout().contains("job failed"), train.stdout());
        }
    }

    @Test
    void shouldStopAServerAndItsWorkersOnDivergenceKeepingTheLastGoodCheckpoints() throws Exception
    {
        final Path job = job("");
        final Path checkpoints = dir.resolve("checkpoints");
        final String seed = "127.0.0.1:" + NodeProcess.freePort();
        try (NodeProcess server = new NodeProcess(dir, "ps", List.of("ps", "--config", job.toString(), "--bind", seed,
                "--workers", "2", "--checkpoint-dir", checkpoints.toString(), "--cluster", "checkpoint.every-steps=1",
                "--metrics-port", "0"));
             NodeProcess first = worker("w0", job, seed);
             NodeProcess second = worker("w1", job, seed))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, server.awaitExit(Duration.ofSeconds(120)), server.stderr());
            final String line = oneLine(server.stderr(), "descent: ");
            final Matcher diverged = DIVERGED.matcher(line);
            assertTrue(diverged.matches(), server.stderr());
            for (final NodeProcess worker : List.of(first, second))
            {
                assertEquals(DescentCli.EXIT_BAD_INPUT, worker.awaitExit(Duration.ofSeconds(60)), worker.stderr());
                assertEquals("the parameter server stopped the job: " + line, oneLine(worker.stderr(), "descent: "));
            }
            final long step = Long.parseLong(diverged.group(1));
            assertTrue(step >= 2, "diverged late enough to have rotated checkpoints: step " + step);
            final JobConfig config = config(job);
            assertLastGoodCheckpoints(checkpoints, step, JobIdentity.of(model(config).fingerprint(), config.raw()));
        }
    }

    @Test
    void shouldRefuseToResumeFromAnotherJobsOrADamagedCheckpointWithExit2AndOneLine() throws Exception
    {
        final Path job = job("");
        final Path other = dir.resolve("other");
        writeCheckpoint(other, config(job, "train.learning-rate=0.01"));
        final String foreign = resumeExpectingBadInput("foreign", job, other);
        assertTrue(foreign.startsWith("--resume " + other.resolve("step-000000000010") +
            ": the checkpoint was written by a job with another configuration"), foreign);
        final Path own = dir.resolve("own");
        writeCheckpoint(own, config(job));
        final Path vector = own.resolve("step-000000000010").resolve("vector-0.f32");
        final byte[] bytes = Files.readAllBytes(vector);
        bytes[0] ^= 0x40;
        Files.write(vector, bytes);
        final String damaged = resumeExpectingBadInput("damaged", job, own);
        assertTrue(damaged.startsWith("checkpoint file " + vector + " is damaged: its checksum does not match"),
            damaged);
    }

    /** Every checkpoint left is finite and none is newer than the diverged step; the newest is intact and this job's. */
    private static void assertLastGoodCheckpoints(final Path checkpoints, final long divergedStep,
        final JobIdentity identity) throws Exception
    {
        final List<Path> kept;
        try (Stream<Path> entries = Files.list(checkpoints))
        {
            kept = entries.sorted().toList();
        }
        assertEquals(2, kept.size(), "keep = 2: " + kept);
        for (final Path checkpoint : kept)
        {
            final Checkpoint meta = CheckpointStore.read(checkpoint);
            assertTrue(meta.step() <= divergedStep, "checkpoint " + checkpoint + " is not newer than step " +
                divergedStep);
            for (int i = 0; i < meta.vectorLengths().length; i++)
            {
                assertAllFinite(checkpoint.resolve("vector-" + i + ".f32"));
            }
        }
        assertEquals(divergedStep, CheckpointStore.read(kept.get(1)).step(), "every step was checkpointed up to it");
        final List<INDArray> vectors = new ArrayList<>();
        for (final long length : CheckpointStore.read(kept.get(1)).vectorLengths())
        {
            vectors.add(Nd4j.create(DataType.FLOAT, length));
        }
        CheckpointStore.restoreLatest(checkpoints, identity, 2, vectors);
    }

    private static void assertAllFinite(final Path vector) throws Exception
    {
        final FloatBuffer floats = ByteBuffer.wrap(Files.readAllBytes(vector)).order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer();
        while (floats.hasRemaining())
        {
            final float value = floats.get();
            assertTrue(Float.isFinite(value), vector + " holds " + value);
        }
    }

    /** @return the message of the one line {@code ps --resume dir} printed, after checking it exited 2 at once. */
    private String resumeExpectingBadInput(final String name, final Path job, final Path checkpoints)
        throws Exception
    {
        try (NodeProcess server = new NodeProcess(dir, name, List.of("ps", "--config", job.toString(), "--bind",
            "127.0.0.1:" + NodeProcess.freePort(), "--workers", "2", "--resume", checkpoints.toString(), "--metrics-port", "0")))
        {
            assertEquals(DescentCli.EXIT_BAD_INPUT, server.awaitExit(Duration.ofSeconds(60)), server.stderr());
            assertFalse(server.stdout().contains("job failed"), server.stdout());
            return oneLine(server.stderr(), "descent: ");
        }
    }

    /** Writes a checkpoint of step 10 of {@code config} with its initial weights, as its server would. */
    private static void writeCheckpoint(final Path checkpoints, final JobConfig config)
    {
        final Model model = model(config);
        final JobIdentity identity = JobIdentity.of(model.fingerprint(), config.raw());
        CheckpointStore.write(checkpoints, new Checkpoint(10, 2, 1, 10, 0.0, 0, identity.fingerprint(),
            identity.architecture(), identity.configDigest(), "{}", new long[]{ model.parameterCount() }, 1L),
            List.of(model.parameters()), 2);
    }

    /** @return the job of {@code file} with the {@code key=value} overrides, as {@code --config} and {@code --set}. */
    private static JobConfig config(final Path file, final String... sets)
    {
        return JobConfig.from(JobSource.build(null, file, List.of(sets), null));
    }

    /** @return the job's model with its initial weights, as its nodes build it. */
    private static Model model(final JobConfig config)
    {
        return Model.create(JobData.load(config, 2).spec(), config.seed());
    }

    /**
     * @return the text after {@code prefix} of the only line of {@code stderr} that starts with it; fails when there
     * is another, or a stack trace or an error logged. The tests' log configuration also writes INFO and warnings
     * there (the command's own sends only warnings, e.g. of a slow sgemm probe).
     */
    private static String oneLine(final String stderr, final String prefix)
    {
        final List<String> lines = stderr.lines().filter(l -> l.startsWith(prefix)).toList();
        assertEquals(1, lines.size(), stderr);
        assertTrue(stderr.lines().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by") ||
            l.contains(" ERROR ")), "no stack trace or error log: " + stderr);
        return lines.get(0).substring(prefix.length());
    }

    private NodeProcess worker(final String name, final Path job, final String seed) throws Exception
    {
        return new NodeProcess(dir, name, List.of("worker", "--config", job.toString(), "--join", seed,
            "--metrics-port", "0"));
    }

    private Path job(final String extra) throws Exception
    {
        final Path file = Files.createTempFile(dir, "job", ".conf");
        Files.writeString(file, JOB + extra + "\n");
        return file;
    }

}
