package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.transport.UdpPath;
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
     * @param bytesSentPerStep what a worker sent per step over the whole run (its data plane's bytes, headers
     *                       included, over the server's steps), mean over workers; 0 when the report does not say.
     * @param roundsPerStep  the measured epoch's steps (its rounds of push, update and pull) per full batch of
     *                       examples, at least 1: above 1 when the epoch ends on a partial batch, which costs a
     *                       whole round (e.g. 11 ÷ 10.008 for 10 batches and 2 rows). {@code stepSeconds} is per full
     *                       batch, {@code computeSeconds} per round.
     * @param serverSecondsPerStep the busiest shard's server work per step over the whole run (its folds, finiteness
     *                       check and optimizer step: {@code server_stats}' {@code update_s} ÷ {@code steps}); 0 when
     *                       the report does not say.
     */
    public record Measured(double samplesPerSec, double stepSeconds, double computeSeconds, double bytesSentPerStep,
        double roundsPerStep, double serverSecondsPerStep)
    {
        /** @return the wall time of a round beyond its compute: the epoch's time less its compute, per round. */
        public double overheadPerRound()
        {
            return stepSeconds / roundsPerStep - computeSeconds;
        }
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
     * Measures UDP between two namespaces wired and shaped as a netns run's links ({@link NetnsRunner#udpPair}): what
     * a sender-receiver pair of the runs moves per second and what a byte costs both processes' CPU.
     *
     * @param linkRate {@code --link-rate} text of the links, or null for unshaped.
     * @param bytes    the message size (the model's M).
     * @return the pair's measurement.
     */
    public UdpPath udpPath(final String linkRate, final int bytes) throws InterruptedException
    {
        final NetnsRunner runner = NetnsRunner.create(host, null, 1, mtu, null == linkRate ? null :
            LinkRate.parse(linkRate), work.resolve("logs"), work);
        return runner.udpPair(bytes, work.resolve("logs").resolve("udp-pair-" + (null == linkRate ? "unshaped" :
            linkRate)).toAbsolutePath());
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
        return run(netns, linkRate, workers, servers, model, batch, steps, null);
    }

    /**
     * @param compression {@code descent.cluster.compression} of every node (none, fp16, bf16, threshold), or null
     *                    for the nodes' own.
     * @return the measured epoch of a run like {@link #run(boolean, String, int, int, String, int, int)}'s, its
     * gradients compressed so.
     */
    public Measured run(
        final boolean netns, final String linkRate, final int workers, final int servers, final String model,
        final int batch, final int steps, final String compression) throws InterruptedException
    {
        return run(netns, linkRate, workers, servers, model, batch, steps, compression, List.of());
    }

    /**
     * @param cluster further {@code descent.cluster} settings of every node, as {@code KEY=VALUE}.
     * @return the measured epoch of a run like {@link #run(boolean, String, int, int, String, int, int, String)}'s,
     * with those settings.
     */
    public Measured run(
        final boolean netns, final String linkRate, final int workers, final int servers, final String model,
        final int batch, final int steps, final String compression, final List<String> cluster)
        throws InterruptedException
    {
        return run(netns, linkRate, workers, servers, model, batch, steps, compression, cluster, 1);
    }

    /**
     * @param warmupEpochs epochs of {@code steps} steps every node trains before the measured one (JIT, caches,
     *                     buffers), at least 1: a run of many processes on few cores takes longer to warm up.
     * @return the measured epoch of a run like
     * {@link #run(boolean, String, int, int, String, int, int, String, List)}'s, after that many warm-up epochs.
     */
    public Measured run(
        final boolean netns, final String linkRate, final int workers, final int servers, final String model,
        final int batch, final int steps, final String compression, final List<String> cluster,
        final int warmupEpochs) throws InterruptedException
    {
        if (warmupEpochs < 1)
        {
            throw new IllegalArgumentException("at least 1 warm-up epoch expected, got " + warmupEpochs);
        }
        final ScaleJob job = ScaleJob.of(model, batch, steps, warmupEpochs);
        final String label = (netns ? "netns-" + (null == linkRate ? "unshaped" : linkRate) : "local") + "-s" +
            servers + (null == compression ? "" : "-" + compression.replace('/', '+'));
        final ScaleSettings settings = new ScaleSettings(servers, ScaleSettings.DEFAULT_CONSISTENCY, null, cluster,
            label, compression);
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
        final JsonNode report = runner.run(workers, settings, jobFile);
        final ScaleRun run = ScaleRun.fromReport(runner.mode(), workers, settings, batch, report);
        return new Measured(run.samplesPerSec(), run.stepSeconds(), run.computeSeconds(), bytesSentPerStep(report),
            roundsPerStep(report, workers, batch), serverSecondsPerStep(report));
    }

    /**
     * @return the last epoch's steps ÷ its examples in full batches of N × {@code batch}, at least 1; 1 when the
     * report does not say.
     */
    static double roundsPerStep(final JsonNode report, final int workers, final int batch)
    {
        final JsonNode epochs = report.path("epochs");
        final JsonNode last = epochs.path(epochs.size() - 1);
        final double examples = last.path("samples_per_sec").asDouble(0) * last.path("seconds").asDouble(0);
        final double steps = last.path("steps").asDouble(0);
        return examples > 0 && steps > 0 ? Math.max(1.0, steps / (examples / ((double)workers * batch))) : 1.0;
    }

    /**
     * @return the largest of the shards' server work per step ({@code update_s} ÷ {@code steps} of each
     * {@code server_stats} entry: the coordinator's and every other shard's), from a run's report; 0 when absent.
     */
    static double serverSecondsPerStep(final JsonNode report)
    {
        final JsonNode stats = report.path("server_stats");
        double busiest = 0.0;
        for (final JsonNode shard : stats.isArray() ? stats : List.of(stats))
        {
            final double steps = shard.path("steps").asDouble(0);
            if (steps > 0)
            {
                busiest = Math.max(busiest, shard.path("update_s").asDouble(0) / steps);
            }
        }
        return busiest;
    }

    /** @return the workers' mean data-plane bytes sent per server step, from a run's report; 0 when absent. */
    static double bytesSentPerStep(final JsonNode report)
    {
        final JsonNode workers = report.path("worker_stats");
        final JsonNode server = report.path("server_stats");
        final double steps = (server.isArray() ? server.path(0) : server).path("steps").asDouble(0);
        if (!workers.isArray() || workers.isEmpty() || !(steps > 0))
        {
            return 0.0;
        }
        double sent = 0;
        for (final JsonNode worker : workers)
        {
            sent += worker.path("bytes_sent").asDouble(0);
        }
        return sent / workers.size() / steps;
    }
}
