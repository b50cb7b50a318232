package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cluster.local.JavaCommand;
import io.descent.cluster.local.LocalCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Each run as separate processes on this machine ({@link LocalCluster}: loopback Akka, Aeron IPC), either free to use
 * every CPU of this process, or confined to {@code coresPerWorker} CPUs per worker: then an N-worker run, its media
 * driver, parameter server and workers, is a {@code descent train --workers N} child under {@code taskset -c} on the
 * first N × coresPerWorker CPUs this process may use, so that every worker count gets the same CPUs per worker (weak
 * scaling at fixed resources per worker, as when each worker brings its own machine). A run with server shards is
 * such a child too ({@code train --servers S}, which starts them). The run's cluster settings go to every node as
 * {@code --cluster KEY=VALUE}; in a {@code train} child the data-plane authentication goes in its environment
 * ({@code DESCENT_DATA_PLANE_AUTH}), which every node reads. Used by one thread.
 */
final class LocalRunner implements ScaleRunner
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    /** What every node of a {@code train} child reads for descent.cluster.data-plane.auth. */
    static final String AUTH_ENV = "DESCENT_DATA_PLANE_AUTH";

    private final int threads;
    private final Path work;
    private final int coresPerWorker;
    private final CpuList allowed;

    /**
     * @param threads        BLAS threads per process.
     * @param work           directory for the runs' reports.
     * @param coresPerWorker CPUs per worker a run is confined to, or 0 for none.
     * @param allowed        the CPUs this process may use (where confined runs take theirs from).
     */
    LocalRunner(final int threads, final Path work, final int coresPerWorker, final CpuList allowed)
    {
        this.threads = threads;
        this.work = work;
        this.coresPerWorker = coresPerWorker;
        this.allowed = allowed;
    }

    @Override
    public String mode()
    {
        return "local";
    }

    /** @return the CPUs an N-worker run is confined to, or null when runs are not confined. */
    private CpuList cpusFor(final int workers)
    {
        return coresPerWorker == 0 ? null : allowed.first(workers * coresPerWorker);
    }

    @Override
    public JsonNode run(final int workers, final ScaleSettings settings, final Path jobFile)
        throws InterruptedException
    {
        final Path reportFile = work.resolve("run-" + workers + settings.slug() + ".json");
        final CpuList cpus = cpusFor(workers);
        final int code = null == cpus && !settings.sharded() ?
            new LocalCluster(jobArgs(settings, jobFile), workers, threads, reportFile).run() :
            runChild(childCommand(workers, settings, jobFile, reportFile, cpus), settings);
        if (code != 0)
        {
            throw new IllegalStateException("the " + workers + "-worker run" + (settings.label().isEmpty() ? "" :
                " (" + settings.label() + ")") + " exited with " + code + "; its logs are in " +
                System.getProperty("java.io.tmpdir"));
        }
        final JsonNode report = ScaleRunner.readReport(reportFile);
        if (null != cpus)
        {
            // The server's own account of where it ran: proof that the confinement took.
            final String serverCpus = report.path("server_stats").path("cpus").asText("");
            if (!serverCpus.isEmpty() && !CpuList.parse(serverCpus).equals(cpus))
            {
                throw new IllegalStateException("the " + workers + "-worker run was to be confined to CPUs " + cpus +
                    " but its parameter server could use " + serverCpus);
            }
        }
        return report;
    }

    /** @return the job arguments every node of an in-process launch gets: the job file, then the settings. */
    static List<String> jobArgs(final ScaleSettings settings, final Path jobFile)
    {
        final List<String> args = new ArrayList<>(List.of("--config", jobFile.toString()));
        args.addAll(settings.clusterArgs());
        return args;
    }

    /**
     * @param cpus the CPUs to confine the run to, or null for none.
     * @return the {@code descent train --workers N} command of a run in a child process (under {@code taskset} when
     * confined); the data-plane authentication is not in it ({@link #AUTH_ENV}).
     */
    List<String> childCommand(
        final int workers, final ScaleSettings settings, final Path jobFile, final Path reportFile, final CpuList cpus)
    {
        final List<String> command = new ArrayList<>();
        if (null != cpus)
        {
            command.addAll(List.of("taskset", "-c", cpus.toString()));
        }
        command.addAll(JavaCommand.thisJvm(List.of()));
        command.addAll(List.of("train", "--config", jobFile.toString(), "--workers", String.valueOf(workers)));
        if (settings.sharded())
        {
            command.addAll(List.of("--servers", String.valueOf(settings.servers())));
        }
        command.addAll(List.of("--threads", String.valueOf(threads), "--report", reportFile.toString(),
            "--no-progress"));
        command.addAll(settings.clusterArgs(false));
        return command;
    }

    private static int runChild(final List<String> command, final ScaleSettings settings)
        throws InterruptedException
    {
        final Process child;
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            if (null != settings.auth())
            {
                builder.environment().put(AUTH_ENV, settings.auth());
            }
            child = builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("starting a run: " + String.join(" ", command.subList(0, 4)), ex);
        }
        final Thread stop = new Thread(child::destroy, "descent-scale-stop-run");
        Runtime.getRuntime().addShutdownHook(stop);
        try
        {
            return child.waitFor();
        }
        finally
        {
            child.destroy();
            try
            {
                Runtime.getRuntime().removeShutdownHook(stop);
            }
            catch (final IllegalStateException ex)
            {
                LOG.debug("already shutting down: the hook stops the run", ex);
            }
        }
    }
}
