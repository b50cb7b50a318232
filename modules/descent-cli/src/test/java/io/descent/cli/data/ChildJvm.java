package io.descent.cli.data;

import io.descent.cli.DescentCli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code descent ARGS} in a fresh JVM with this JVM's java and class path and a chosen heap, keeping its output
 * in files, as a user's worker process would run.
 */
final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * @param dir     where the child's stdout/stderr/log files go.
     * @param name    base name of those files.
     * @param heap    the child's {@code -Xmx}, e.g. {@code 128m}.
     * @param timeout how long to wait for it.
     * @param args    the {@code descent} arguments.
     * @return the child's standard output.
     * @throws AssertionError if it does not exit with 0 within the timeout.
     */
    static String run(final Path dir, final String name, final String heap, final Duration timeout,
        final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElseThrow(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            // Below the data size on purpose: mapped shard pages are page cache, not ND4J's off-heap memory.
            "-Dorg.bytedeco.javacpp.maxbytes=256m",
            "-Dorg.bytedeco.javacpp.maxphysicalbytes=512m",
            "-Xmx" + heap,
            "-cp", System.getProperty("java.class.path"),
            DescentCli.class.getName()));
        command.addAll(List.of(args));
        final Path out = dir.resolve(name + ".out");
        final Path err = dir.resolve(name + ".err");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().put("OMP_NUM_THREADS", "2");
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        builder.environment().put("DESCENT_LOG_FILE", dir.resolve(name + ".log").toString());
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                throw new AssertionError(name + " still running after " + timeout + ":\n" + Files.readString(out) +
                    Files.readString(err));
            }
            if (process.exitValue() != 0)
            {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" +
                    Files.readString(out) + Files.readString(err));
            }
            return Files.readString(out);
        }
        finally
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
