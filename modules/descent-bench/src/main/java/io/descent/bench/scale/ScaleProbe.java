package io.descent.bench.scale;

import io.descent.nn.error.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One run of {@code bench scale}'s synthetic job, for other benchmarks ({@code bench model --validate}): a local
 * cluster or, with a link rate or {@code netns}, network namespaces with shaped links, N workers and S sync server
 * shards; returns the measured epoch. Used by one thread.
 */
public final class ScaleProbe
{
    private final BenchHost host;
    private final Path work;
    private final int mtu;

    /**
     * @param work scratch directory for job files, reports and the namespaces' node logs.
     * @param mtu  link MTU of namespace runs.
     */
    public ScaleProbe(final Path work, final int mtu)
    {
        this.host = BenchHost.system();
        this.work = work;
        this.mtu = mtu;
    }

    /**
     * What one run measured, per step of its measured epoch.
     *
     * @param samplesPerSec  all workers together.
     * @param stepSeconds    wall time per step.
     * @param computeSeconds the workers' mean forward + backward per step.
     */
    public record Measured(double samplesPerSec, double stepSeconds, double computeSeconds)
    {
    }

    /**
     * @param rate a {@code --link-rate} value, e.g. 1gbit.
     * @return its bits per second.
     * @throws BadInputException naming the value and the form expected.
     */
    public static long bitsPerSecond(final String rate)
    {
        return LinkRate.parse(rate).bitsPerSecond();
    }

    /** @throws BadInputException naming what this host lacks for namespace runs (root, iproute2). */
    public void requireNetns()
    {
        host.requireNetns();
    }

    /**
     * @param netns    run in network namespaces (else local processes over IPC).
     * @param linkRate {@code --link-rate} text of every namespace link, or null for unshaped.
     * @param workers  N.
     * @param servers  S.
     * @param model    MLP widths, e.g. 784-512-256-10.
     * @param batch    per worker.
     * @param steps    steps per epoch (one warm-up epoch, then the measured one).
     * @return the measured epoch.
     * @throws IllegalStateException when the run fails, naming its logs.
     */
    public Measured run(
        final boolean netns, final String linkRate, final int workers, final int servers, final String model,
        final int batch, final int steps) throws InterruptedException
    {
        final ScaleJob job = ScaleJob.of(model, batch, steps, 1);
        final String label = (netns ? "netns-" + (null == linkRate ? "unshaped" : linkRate) : "local") + "-s" +
            servers;
        final ScaleSettings settings = new ScaleSettings(servers, ScaleSettings.DEFAULT_CONSISTENCY, null, List.of(),
            label);
        final Path jobFile = work.resolve("model-" + workers + "-" + label + ".conf");
        try
        {
            Files.createDirectories(work);
            Files.writeString(jobFile, job.hocon(workers));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the validation job " + jobFile, ex);
        }
        final ScaleRunner runner = netns ? NetnsRunner.create(host, null, 1, mtu, null == linkRate ? null :
            LinkRate.parse(linkRate), work.resolve("logs"), work) : new LocalRunner(1, work, 0, null);
        final ScaleRun run = ScaleRun.fromReport(runner.mode(), workers, settings, batch,
            runner.run(workers, settings, jobFile));
        return new Measured(run.samplesPerSec(), run.stepSeconds(), run.computeSeconds());
    }
}
