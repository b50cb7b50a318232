package io.descent.cli.cluster;

import io.descent.cli.DescentCli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A {@code descent} subcommand in its own JVM (this JVM's java, flags and class path), output kept in files. */
final class NodeProcess implements AutoCloseable
{
    final Process process;
    final Path out;
    final Path err;

    /** A cluster node ({@code ps}, {@code worker}), exiting with this JVM. */
    NodeProcess(final Path dir, final String name, final List<String> args) throws IOException
    {
        this(dir, name, args, true);
    }

    /**
     * @param node true for a cluster node ({@code ps}, {@code worker}: it gets {@code --exit-with-parent}), false for
     *             another command, e.g. {@code train --workers N}, which stops its own children.
     */
    NodeProcess(final Path dir, final String name, final List<String> args, final boolean node) throws IOException
    {
        out = dir.resolve(name + ".out");
        err = dir.resolve(name + ".err");
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DescentCli.class.getName()));
        command.addAll(args);
        if (node)
        {
            command.add("--exit-with-parent");
        }
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("DESCENT_LOG_FILE", dir.resolve(name + ".log").toString());
        process = builder.start();
    }

    /** Polls the standard output until it contains {@code text}, failing after {@code timeout}. */
    void awaitOutput(final String text, final Duration timeout) throws IOException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(out).contains(text))
        {
            if (System.nanoTime() - deadline > 0 || !process.isAlive() && !Files.readString(out).contains(text))
            {
                throw new AssertionError("no '" + text + "' in the output within " + timeout + ":\n" +
                    Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    /** @return the exit code, failing after {@code timeout}. */
    int awaitExit(final Duration timeout) throws Exception
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("still running after " + timeout + ":\n" + Files.readString(out) +
                "\nstderr:\n" + Files.readString(err));
        }
        return process.exitValue();
    }

    String stdout() throws IOException
    {
        return Files.readString(out);
    }

    String stderr() throws IOException
    {
        return Files.readString(err);
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
