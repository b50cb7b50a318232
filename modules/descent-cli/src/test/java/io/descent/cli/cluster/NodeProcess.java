package io.descent.cli.cluster;

import io.descent.cli.DescentCli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A {@code descent} subcommand in its own JVM (this JVM's java, flags and class path), output kept in files. */
public final class NodeProcess implements AutoCloseable
{
    final Process process;
    final Path out;
    final Path err;
    final Path log;

    /** A cluster node ({@code ps}, {@code worker}) that exits with this JVM. */
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
        this(dir, name, List.of(), node ? withExitWithParent(args) : args);
    }

    /**
     * @param jvmFlags JVM flags after this JVM's own (later flags win); a local launcher passes all of them on to its
     *                 children.
     * @param args     the command line after {@code descent}, as given (no {@code --exit-with-parent}).
     */
    NodeProcess(final Path dir, final String name, final List<String> jvmFlags, final List<String> args)
        throws IOException
    {
        this(dir, name, jvmFlags, args, java.util.Map.of());
    }

    /**
     * @param jvmFlags JVM flags after this JVM's own (later flags win).
     * @param args     the command line after {@code descent}, as given.
     * @param env      environment variables to add to (or, mapped to null, remove from) this JVM's.
     */
    NodeProcess(final Path dir, final String name, final List<String> jvmFlags, final List<String> args,
        final java.util.Map<String, String> env) throws IOException
    {
        out = dir.resolve(name + ".out");
        err = dir.resolve(name + ".err");
        log = dir.resolve(name + ".log");
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DescentCli.class.getName()));
        command.addAll(args);
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("DESCENT_LOG_FILE", log.toString());
        env.forEach((key, value) ->
        {
            if (null == value)
            {
                builder.environment().remove(key);
            }
            else
            {
                builder.environment().put(key, value);
            }
        });
        process = builder.start();
    }

    /**
     * Runs {@code descent ARGS} as a user's terminal would: with the logging configuration the jar ships (not the
     * tests' one, which this class path would otherwise pick), so that its stderr is what a user would see.
     *
     * @param dir      where its stdout, stderr and log files go.
     * @param name     base name of those files.
     * @param jvmFlags JVM flags after this JVM's own (later flags win, e.g. {@code -Xmx}).
     * @param args     the command line after {@code descent}.
     * @return the running process.
     */
    public static NodeProcess asUser(final Path dir, final String name, final List<String> jvmFlags,
        final List<String> args) throws IOException
    {
        final List<String> flags = new ArrayList<>(jvmFlags);
        flags.add("-Dlogback.configurationFile=" + shippedLogbackConfiguration());
        return new NodeProcess(dir, name, flags, args);
    }

    private static List<String> withExitWithParent(final List<String> args)
    {
        final List<String> all = new ArrayList<>(args);
        all.add("--exit-with-parent");
        return all;
    }

    private static Path shippedLogbackConfiguration()
    {
        try
        {
            return Path.of(DescentCli.class.getResource("/logback.xml").toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("logback.xml of descent-cli is not a file", ex);
        }
    }

    /** Polls the standard output until it contains {@code text}, failing after {@code timeout}. */
    public void awaitOutput(final String text, final Duration timeout) throws IOException
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
    public int awaitExit(final Duration timeout) throws Exception
    {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("still running after " + timeout + ":\n" + Files.readString(out) +
                "\nstderr:\n" + Files.readString(err));
        }
        return process.exitValue();
    }

    /** @return the process. */
    public Process process()
    {
        return process;
    }

    /** @return everything it printed on its standard output so far. */
    public String stdout() throws IOException
    {
        return Files.readString(out);
    }

    /** @return everything it printed on its standard error so far. */
    public String stderr() throws IOException
    {
        return Files.readString(err);
    }

    /** @return its log file (DESCENT_LOG_FILE), empty if it wrote none. */
    public String logFile() throws IOException
    {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** @return a TCP port on the loopback address that was free a moment ago (for a node's Akka {@code --bind}). */
    public static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
