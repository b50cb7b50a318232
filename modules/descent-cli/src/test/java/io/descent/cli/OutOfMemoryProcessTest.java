package io.descent.cli;

import io.descent.cli.cluster.NodeProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code descent} process that runs out of memory, in a JVM of its own with a tiny limit: one line on stderr naming
 * the setting to raise, exit 1 (not bad input), the stack trace in the log only.
 */
@Tag("slow")
class OutOfMemoryProcessTest
{
    private static final Duration EXIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void shouldNameDescentHeapWhenTheHeapIsTooSmallForTheData() throws Exception
    {
        // 2 million rows of 64 floats: 512 MB of features in a 96 MB heap.
        final Path job = job("synthetic { kind = teacher, samples = 2000000, test-samples = 1000, features = 64, " +
            "classes = 4, hidden = 16 }");
        try (NodeProcess ps = NodeProcess.asUser(dir, "heap", List.of("-Xmx96m"), server(job)))
        {
            assertEquals(DescentCli.EXIT_INTERNAL, ps.awaitExit(EXIT), ps.stderr());
            final String line = oneLine(ps.stderr());
            assertTrue(line.startsWith("descent: out of memory: the Java heap is full (limit ") &&
                line.contains("raise DESCENT_HEAP") && line.contains("in 'descent ps'"), line);
            assertStackTraceInTheLog(ps, "java.lang.OutOfMemoryError: Java heap space");
        }
    }

    @Test
    void shouldNameDescentMaxPhysicalWhenNd4jPassesItsResidentMemoryLimit() throws Exception
    {
        final Path job = job("synthetic { kind = teacher, samples = 600, test-samples = 100, features = 8, " +
            "classes = 2, hidden = 4 }");
        // Below what a JVM with ND4J loaded occupies: ND4J's first native allocation fails.
        try (NodeProcess ps = NodeProcess.asUser(dir, "physical",
            List.of("-Dorg.bytedeco.javacpp.maxphysicalbytes=32m"), server(job)))
        {
            assertEquals(DescentCli.EXIT_INTERNAL, ps.awaitExit(EXIT), ps.stderr());
            final String line = oneLine(ps.stderr());
            assertTrue(line.contains("> maxPhysicalBytes (32768K)") && line.contains("raise DESCENT_MAX_PHYSICAL"),
                line);
            assertFalse(line.contains("DESCENT_HEAP"), line);
            assertStackTraceInTheLog(ps, "Physical memory usage is too high");
        }
    }

    @Test
    void shouldEndTheProcessWhenAnotherThreadRunsOutOfHeap() throws Exception
    {
        final Path log = dir.resolve("thread.log");
        final ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
            "-Xmx64m", "-Dlogback.configurationFile=" + Path.of(DescentCli.class.getResource("/logback.xml").toURI()),
            "-cp", System.getProperty("java.class.path"), UncaughtOutOfMemory.class.getName())
            .redirectOutput(dir.resolve("thread.out").toFile()).redirectError(dir.resolve("thread.err").toFile());
        builder.environment().put("DESCENT_LOG_FILE", log.toString());
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(EXIT.toSeconds(), TimeUnit.SECONDS), "still running");
            final String stderr = Files.readString(dir.resolve("thread.err"));
            assertEquals(DescentCli.EXIT_INTERNAL, process.exitValue(), stderr);
            final String line = oneLine(stderr);
            assertTrue(line.contains("the Java heap is full (limit ") && line.contains("raise DESCENT_HEAP") &&
                line.contains("thread hungry"), line);
            assertTrue(Files.readString(log).contains("java.lang.OutOfMemoryError: Java heap space"),
                Files.readString(log));
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static List<String> server(final Path job)
    {
        return List.of("ps", "--config", job.toString(), "--bind", "127.0.0.1:0", "--aeron", "127.0.0.1:0",
            "--metrics-port", "0", "--workers", "1");
    }

    private static String oneLine(final String stderr)
    {
        final List<String> lines = stderr.strip().lines().toList();
        assertEquals(1, lines.size(), "exactly one line on stderr:\n" + stderr);
        return lines.get(0);
    }

    private static void assertStackTraceInTheLog(final NodeProcess ps, final String error) throws Exception
    {
        final String log = ps.logFile();
        assertTrue(log.contains("descent ps ran out of memory") && log.contains(error) && log.contains("\tat "),
            "the log holds the stack trace:\n" + log);
    }

    private Path job(final String synthetic) throws Exception
    {
        return Files.writeString(dir.resolve("job.conf"), "job { name = oom, seed = 1 }\n" +
            "data { source = synthetic, " + synthetic + " }\n" +
            "model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }\n");
    }
}
