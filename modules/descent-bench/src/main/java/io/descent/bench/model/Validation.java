package io.descent.bench.model;

import io.descent.bench.scale.ScaleProbe;
import io.descent.bench.scale.SharedCompute;
import io.descent.bench.scale.SharedComputeProbe;
import io.descent.bench.transport.UdpPath;
import io.descent.cluster.Consistency;
import io.descent.nn.ModelSpec;
import io.descent.transport.wire.FastestMac;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the step-time model against {@code bench scale} runs of this host: for each link setting (local processes,
 * or namespaces at a link rate) and each (workers, servers), one run of the synthetic job, then the model's prediction
 * from the shape's host-shared compute ({@link SharedCompute}: N + S compute-only processes side by side, as many as
 * the run's JVMs, the N workers in lockstep; a sync step's compute is their E[max] per step, not the mean, and the
 * run's own mean compute is printed beside it), the host's rates measured right after the run ({@link RateProbe}: on a shared
 * host they move with the load; the data plane's at the model's size, with the MAC the runs' nodes use; in
 * namespaces UDP's rate from a sender and a receiver in two namespaces wired and shaped as the runs' links, measured
 * once per link setting, and the CPU cost per byte from the same pair on the same wiring unshaped, measured once
 * ({@link ScaleProbe#udpPath}, {@link #cpuPath}; the rate is the unshaped pair's where the shaped one was bound by the
 * link: {@link #onPath}), the fixed cost
 * of a round measured for the mode and shape ({@link #fixedCost}: a run of a tiny model, whose transfers are
 * negligible, on as many processes and with as many steps an epoch), the run's rounds per full batch (its epoch's
 * partial last batch is a round of its own: {@link ClusterShape#roundsPerStep}) and the link's rate less the data
 * plane's framing (local runs have no link: the data plane's rates bound their transfers). Every process of a run
 * shares this host's cores ({@link ClusterShape#onOneHost}). The server's fold, decode and update rates are the probe's
 * divided by how much slower the run's own shards did that work ({@link ServerInput}: the busiest shard's time per step
 * from the run's report against {@link StepTimeModel#serverWork} at the probe's rates), as the compute is the run's.
 * Sync; each shape once per gradient compression asked for,
 * the model's compression ratio 2 for fp16 and bf16 and, for threshold, what the run's workers sent ({@link #ratio}),
 * with the codec's encode and decode timed here ({@link CodecProbe}). Used by one thread.
 */
final class Validation
{
    /** A small model whose transfers cost next to nothing: its step is compute plus the fixed cost. */
    static final String TINY_MODEL = "784-16-10";
    /** Lets the tiny model's 50 KB be cut into shards (the setting's floor; the default is 256 KiB a range). */
    private static final String TINY_SHARD_MIN_BYTES = "shard-min-bytes=4k";
    /** Links at or below this rate get the small model, so that a run takes seconds a step, not tens. */
    private static final long SMALL_MODEL_BELOW_BITS = 500_000_000L;
    static final String SMALL_MODEL = "784-512-256-10";
    static final String LARGE_MODEL = "784-2048-2048-10";
    /** The gradient compressions a run can validate (descent.cluster.compression). */
    static final List<String> COMPRESSIONS = List.of("none", "fp16", "bf16", "threshold");

    private final ScaleProbe probe;
    private final SharedComputeProbe computeProbe;
    private final int mtu;
    private final int batch;
    private final int steps;
    private final int warmupEpochs;
    private final PrintStream out;
    /** {@link #cpuPath}'s measurements by message size. */
    private final Map<Long, UdpPath> cpuPaths = new HashMap<>();

    /**
     * @param probe        runs bench scale's job.
     * @param computeProbe measures a shape's host-shared compute.
     * @param steps        steps per epoch of every run.
     * @param warmupEpochs epochs every run trains before its measured one (the tiny model's too).
     */
    Validation(final ScaleProbe probe, final SharedComputeProbe computeProbe, final int mtu, final int batch,
        final int steps, final int warmupEpochs, final PrintStream out)
    {
        this.probe = probe;
        this.computeProbe = computeProbe;
        this.mtu = mtu;
        this.batch = batch;
        this.steps = steps;
        this.warmupEpochs = warmupEpochs;
        this.out = out;
    }

    /**
     * One checked configuration.
     *
     * @param config    e.g. "netns 1gbit, 2 workers, 2 servers, 784-2048-2048-10".
     * @param predicted the model's samples per second.
     * @param measured  the run's.
     * @param breakdown the predicted step.
     * @param runCompute the run's own mean compute per round, seconds; the model is given it × the host-shared
     *                  spread (E[max] ÷ mean): the run's own contention with the sync wait for the slower worker.
     * @param fromRunMean the model's samples per second had it been given {@code runCompute} alone (the input before
     *                  the spread), all else alike: the same run seen both ways.
     * @param fromSharedMax the model's samples per second had it been given the host-shared E[max] (measured apart
     *                  from the run, which drifts with the host's load).
     * @param shared    the spread's measurement, with as many processes as the run.
     * @param overheads the host's rates the model was given, UDP's from the pairs when there are some.
     * @param udpPath   UDP between two namespaces wired and shaped as the run's links, or null: UDP's rate and CPU
     *                  cost are then the loopback probe's ({@link RateProbe}).
     * @param cpuPath   the same pair unshaped, whose CPU cost per byte the model was given (and its rate where
     *                  {@code udpPath} was bound by the link: {@link #onPath}), or null with {@code udpPath}.
     */
    record Row(String config, double predicted, double measured, StepBreakdown breakdown, double runCompute,
        double fromRunMean, double fromSharedMax, SharedCompute shared, Overheads overheads, UdpPath udpPath,
        UdpPath cpuPath, ServerInput server)
    {
        double ratio()
        {
            return predicted / measured;
        }

        /** @return what {@link #ratio} would be with the run's own mean compute as the input. */
        double runMeanRatio()
        {
            return fromRunMean / measured;
        }

        /** @return what {@link #ratio} would be with the server's fold and update at the probe's rates. */
        double probeServerRatio()
        {
            return server.fromProbeRates() / measured;
        }

        /** @return what {@link #ratio} would be with the host-shared E[max] as the compute. */
        double sharedMaxRatio()
        {
            return fromSharedMax / measured;
        }

        Map<String, Object> toJson()
        {
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("config", config);
            json.put("predicted_samples_per_sec", predicted);
            json.put("measured_samples_per_sec", measured);
            json.put("ratio", ratio());
            json.put("predicted_step_s", breakdown.step());
            json.put("compute_s", breakdown.compute());
            json.put("compute_input", "the run's own mean compute × the host-shared spread (E[max] ÷ mean over " +
                shared.workers() + " workers, measured with " + shared.processes() + " processes in lockstep)");
            json.put("shared_compute_processes", shared.processes());
            json.put("shared_compute_mean_s", shared.meanSeconds());
            json.put("shared_compute_max_s", shared.maxSeconds());
            json.put("run_compute_mean_s", runCompute);
            json.put("ratio_from_run_mean_compute", runMeanRatio());
            json.put("ratio_from_host_shared_max_compute", sharedMaxRatio());
            json.put("run_server_s", server.runSeconds());
            json.put("server_slowdown", server.slowdown());
            json.put("ratio_from_probe_server_rates", probeServerRatio());
            json.put("push_s", breakdown.push());
            json.put("server_s", breakdown.server());
            json.put("pull_s", breakdown.pull());
            json.put("overlap_s", breakdown.overlap());
            json.put("fixed_s", breakdown.fixed());
            json.put("rounds_per_step", breakdown.rounds());
            json.put("overheads", overheads.toJson());
            json.put("udp_measured_over", null == udpPath ? "loopback, one process (both ends and one media driver)" :
                "two namespaces wired as the run's links, a process at each end: the rate shaped as the links " +
                "(udp_path) unless that pair was bound by the link, then unshaped (udp_cpu_path), as the CPU per byte");
            if (null != udpPath)
            {
                json.put("udp_path", udpPath.toJson());
                json.put("udp_cpu_path", cpuPath.toJson());
            }
            return json;
        }
    }

    /**
     * The server's input of a row: the run's own server work per step against its price at the probe's rates.
     *
     * @param runSeconds     the run's busiest shard's server work per step ({@link ScaleProbe.Measured}), 0 when its
     *                       report does not say.
     * @param slowdown       {@code runSeconds} ÷ {@link StepTimeModel#serverWork} at the probe's rates (1 without
     *                       {@code runSeconds}): the model's fold, decode and update rates are divided by it.
     * @param fromProbeRates the model's samples per second with the probe's rates instead, all else alike.
     */
    record ServerInput(double runSeconds, double slowdown, double fromProbeRates)
    {
        /** A row whose server work is priced at the probe's rates. */
        static final ServerInput AT_PROBE_RATES = new ServerInput(0.0, 1.0, Double.NaN);

        /**
         * @param runSeconds the run's server work per step, 0 when unknown.
         * @param priced     the same work at the probe's rates.
         * @return runSeconds ÷ priced, or 1 when either is not positive.
         */
        static double slowdown(final double runSeconds, final double priced)
        {
            return runSeconds > 0 && priced > 0 ? runSeconds / priced : 1.0;
        }
    }

    /**
     * @param links   "local" or a link rate ("1gbit"); "unshaped" for namespaces without shaping.
     * @param shapes  (workers, servers) pairs.
     * @return the rows, in order.
     */
    List<Row> run(final String links, final List<int[]> shapes) throws InterruptedException
    {
        return run(links, shapes, List.of("none"));
    }

    /**
     * @param compressions the gradient compressions, each of {@link #COMPRESSIONS}; "none" runs on the nodes' own
     *                     setting (no argument), the others with {@code --cluster compression=X}.
     * @return the rows, shapes outermost, in order.
     */
    List<Row> run(final String links, final List<int[]> shapes, final List<String> compressions)
        throws InterruptedException
    {
        final boolean netns = !links.equals("local");
        final String rate = links.equals("unshaped") || !netns ? null : links;
        final String widths = null != rate && ScaleProbe.bitsPerSecond(rate) < SMALL_MODEL_BELOW_BITS ?
            SMALL_MODEL : LARGE_MODEL;
        final long bytes = ComputeProbe.modelBytes(ModelSpec.parseMlp(widths));
        final RateProbe rates = new RateProbe((int)(bytes / Float.BYTES), FastestMac.onThisRuntime(), mtu);
        final UdpPath udpPath = netns ? udpPath(links, rate, bytes) : null;
        final UdpPath cpuPath = netns ? (null == rate ? udpPath : cpuPath(bytes)) : null;
        final List<Row> rows = new ArrayList<>();
        for (final int[] shape : shapes)
        {
            final double fixed = fixedCost(links, netns, shape);
            final SharedCompute shared = sharedCompute(links, widths, shape);
            for (final String compression : compressions)
            {
                rows.add(row(links, netns, rate, widths, bytes, shape, compression, rates, fixed, shared, udpPath,
                    cpuPath));
            }
        }
        return rows;
    }

    /**
     * @return the fixed cost of a round for this shape here: a run of the tiny model on as many workers and shards
     * (so as many processes share this host's cores, with as many barriers and driver threads), less its compute, per
     * round; with as many steps an epoch as the runs checked, so that what an epoch's end costs (the server's
     * evaluation, which holds up the step after it) is spread over the same number of rounds.
     */
    private double fixedCost(final String links, final boolean netns, final int[] shape) throws InterruptedException
    {
        // The tiny model is one range of the default shard-min-bytes: let it be cut into as many.
        final ScaleProbe.Measured tiny = probe.run(netns, null, shape[0], shape[1], TINY_MODEL, batch, steps, null,
            shape[1] > 1 ? List.of(TINY_SHARD_MIN_BYTES) : List.of(), warmupEpochs);
        final double fixed = Math.max(0.0, tiny.overheadPerRound());
        out.printf(Locale.ROOT, "validation %s, %dx%d: fixed cost per round %.2f ms (%s, %d steps an epoch: step " +
            "%.2f ms, compute %.2f ms a round, %.3f rounds a step)%n", links, shape[0], shape[1], fixed * 1e3,
            TINY_MODEL, steps, tiny.stepSeconds() * 1e3, tiny.computeSeconds() * 1e3, tiny.roundsPerStep());
        return fixed;
    }

    /**
     * @return UDP between two namespaces wired and shaped as the runs' links ({@link ScaleProbe#udpPath}), at the
     * model's size: its rate and CPU cost replace the loopback probe's in every row of these links.
     */
    private UdpPath udpPath(final String links, final String rate, final long bytes) throws InterruptedException
    {
        final UdpPath path = probe.udpPath(rate, (int)bytes);
        out.printf(Locale.ROOT, "validation %s: UDP between two namespaces: %s%n", links, path.describe());
        return path;
    }

    /**
     * @return UDP between two namespaces wired as the runs' links but unshaped, at the model's size, measured once per
     * size: its CPU cost per byte is what the model is given for every link rate. A pair on a link slower than its
     * CPU leaves the media drivers' threads polling while they wait, and that polling counts as CPU time (15 ns a
     * byte measured at 1 Gbit/s against 2.2 at 10 Gbit/s, where the pair is CPU-bound); unshaped, the pair is
     * CPU-bound and its CPU time is the path's work per byte. A qdisc's own per-datagram work is left out.
     */
    private UdpPath cpuPath(final long bytes) throws InterruptedException
    {
        UdpPath path = cpuPaths.get(bytes);
        if (null == path)
        {
            path = udpPath("unshaped", null, bytes);
            cpuPaths.put(bytes, path);
        }
        return path;
    }

    /**
     * @return the shape's host-shared compute: N + S compute-only processes (the run's workers and servers, each a JVM
     * on this host's cores), the N workers in lockstep.
     */
    private SharedCompute sharedCompute(final String links, final String widths, final int[] shape)
        throws InterruptedException
    {
        final SharedCompute shared = computeProbe.measure(widths, batch, shape[0], shape[0] + shape[1]);
        out.printf(Locale.ROOT, "validation %s, %dx%d: %s%n", links, shape[0], shape[1], shared.describe());
        return shared;
    }

    /**
     * A pair shaped to a link that moves at least this share of the link's payload rate is bound by the link: tbf at
     * the link's rate, framing aside, let link-bound pairs through at 97–99 % (100 Mbit/s, 1 Gbit/s), where a pair
     * bound by its CPU stays well below (10 Gbit/s: 66 %).
     */
    static final double LINK_BOUND_SHARE = 0.9;

    /**
     * @param measured        the host's rates ({@link RateProbe}: UDP's over loopback).
     * @param shaped          UDP between two namespaces wired and shaped as the runs' links.
     * @param unshaped        the same pair unshaped.
     * @param linkBytesPerSec the links' payload rate (framing removed).
     * @return the rates with UDP's CPU cost per byte from {@code unshaped} (a shaped pair's polling threads count
     * while the link holds them back) and the data plane's rate on the runs' path: the shaped pair's where it is
     * bound by its CPU (the qdiscs' work is on that path: 0.82 GB/s shaped at 10 Gbit/s against 0.96 unshaped), the
     * unshaped pair's where the shaped one only measured the link ({@link #LINK_BOUND_SHARE}): the link is priced by
     * its own rate, and the link's rate as the data plane's too would make a link-bound phase look bound by the data
     * plane, without the broadcast's head start ({@link StepTimeModel}; at 100 Mbit/s with 2 workers, 0.83 predicted
     * ÷ measured).
     */
    static Overheads onPath(final Overheads measured, final UdpPath shaped, final UdpPath unshaped,
        final double linkBytesPerSec)
    {
        final boolean linkBound = shaped.bytesPerSec() >= LINK_BOUND_SHARE * linkBytesPerSec;
        return measured.withUdp(linkBound ? unshaped.bytesPerSec() : shaped.bytesPerSec(),
            unshaped.cpuSecondsPerByte());
    }

    /**
     * @param compression a gradient compression.
     * @param bytes       M.
     * @param sentPerStep what a worker sent per step in the run.
     * @return the compression ratio the model is given: 1 for none, 2 for the 16-bit codecs, M ÷ what was sent (at
     * least 1) for threshold, whose size depends on the gradients.
     */
    static double ratio(final String compression, final long bytes, final double sentPerStep)
    {
        return switch (compression)
        {
            case "fp16", "bf16" -> 2.0;
            case "threshold" -> sentPerStep > 0 ? Math.max(1.0, bytes / sentPerStep) : 1.0;
            default -> 1.0;
        };
    }

    private Row row(final String links, final boolean netns, final String rate, final String widths,
        final long bytes, final int[] shape, final String compression, final RateProbe rates, final double fixed,
        final SharedCompute shared, final UdpPath udpPath, final UdpPath cpuPath) throws InterruptedException
    {
        final ScaleProbe.Measured run = probe.run(netns, rate, shape[0], shape[1], widths, batch, steps,
            "none".equals(compression) ? null : compression, List.of(), warmupEpochs);
        final double ratio = ratio(compression, bytes, run.bytesSentPerStep());
        final Overheads measured = rates.measure(fixed);
        final double linkBytesPerSec = null == rate ? Double.POSITIVE_INFINITY :
            ScaleProbe.bitsPerSecond(rate) / 8.0 * WireFraming.efficiency(mtu);
        final Overheads host = null == udpPath ? measured : onPath(measured, udpPath, cpuPath, linkBytesPerSec);
        // Sync: every step waits for the slowest worker's compute: the run's mean × E[max]/mean of the lockstep probe.
        final int cores = Runtime.getRuntime().availableProcessors();
        final CodecCost codec = CodecProbe.measure(compression, (int)(bytes / Float.BYTES));
        final ClusterShape atProbeRates = new ClusterShape(shape[0], shape[1], bytes, batch,
            run.computeSeconds() * shared.spread(),
            linkBytesPerSec, 0.0, ratio, Consistency.Mode.SYNC).onOneHost(cores, codec).withRounds(run.roundsPerStep());
        // The server's work as the run did it: its folds and update ran slower beside the run's other processes than
        // in the probe's idle process (traced: 2–2.6× in every shape).
        final StepTimeModel probed = new StepTimeModel(host);
        final double slowdown = ServerInput.slowdown(run.serverSecondsPerStep(), probed.serverWork(atProbeRates));
        final ClusterShape cluster = atProbeRates.onOneHost(cores, codec.withDecodeSlowdown(slowdown));
        final Overheads inRun = host.withServerSlowdown(slowdown);
        final StepTimeModel model = new StepTimeModel(inRun);
        final StepBreakdown step = model.predict(cluster);
        final Row row = new Row(String.format(Locale.ROOT, "%s, %d worker%s, %d server%s, %s%s", netns ?
            "netns " + links : "local", shape[0], shape[0] == 1 ? "" : "s", shape[1], shape[1] == 1 ? "" : "s",
            widths, "none".equals(compression) ? "" : String.format(Locale.ROOT, ", %s (ratio %.2f)", compression,
                ratio)), step.samplesPerSec(shape[0], batch), run.samplesPerSec(), step, run.computeSeconds(),
            model.samplesPerSec(cluster.withCompute(run.computeSeconds())),
            model.samplesPerSec(cluster.withCompute(shared.maxSeconds())), shared, inRun, udpPath,
            cpuPath, new ServerInput(run.serverSecondsPerStep(), slowdown, probed.samplesPerSec(atProbeRates)));
        out.printf(Locale.ROOT, "  %-48s predicted %8.1f  measured %8.1f samples/s  ratio %.3f (%.3f from the " +
            "run's mean compute alone, %.3f from the host-shared E[max])  (compute %.1f = the run's mean %.1f × " +
            "the spread; push %.1f, server %.1f (the run's %.1f ms a step, ×%.2f the probe's rates; ratio %.3f at " +
            "them), pull %.1f, overlap %.1f, fixed %.1f ms a round, %.3f rounds; " +
            "measured step %.1f ms; fold %.2f, update %.2f, transfer %.2f IPC / %.2f UDP (%.2f ns CPU a byte, %s), " +
            "tag %.2f GB/s)%n",
            row.config(), row.predicted(), row.measured(), row.ratio(), row.runMeanRatio(), row.sharedMaxRatio(),
            step.compute() * 1e3, run.computeSeconds() * 1e3,
            step.push() * 1e3, step.server() * 1e3, run.serverSecondsPerStep() * 1e3, slowdown,
            row.probeServerRatio(), step.pull() * 1e3, step.overlap() * 1e3, step.fixed() * 1e3,
            step.rounds(), run.stepSeconds() * 1e3,
            inRun.sumBytesPerSec() / 1e9, inRun.updateBytesPerSec() / 1e9, host.transferBytesPerSec() / 1e9,
            host.udpBytesPerSec() / 1e9, host.udpCpuSecondsPerByte() * 1e9, null == udpPath ? "loopback" :
            String.format(Locale.ROOT, "namespaces; loopback %.2f GB/s, %.2f ns", measured.udpBytesPerSec() / 1e9,
                measured.udpCpuSecondsPerByte() * 1e9), host.tagBytesPerSec() / 1e9);
        return row;
    }

    /**
     * Prints the rows as one table: configuration, predicted, measured, ratio, and the ratios the run's own mean
     * compute alone, the host-shared E[max] and the server's work at the probe's rates would have given.
     */
    static void printTable(final List<Row> rows, final PrintStream out)
    {
        final int width = rows.stream().mapToInt(row -> row.config().length()).max().orElse(6);
        out.printf(Locale.ROOT, "%-" + width + "s  %10s  %10s  %6s  %9s  %11s  %12s%n", "config", "predicted",
            "measured", "ratio", "run mean", "shared max", "probe server");
        for (final Row row : rows)
        {
            out.printf(Locale.ROOT, "%-" + width + "s  %10.1f  %10.1f  %6.3f  %9.3f  %11.3f  %12.3f%n", row.config(),
                row.predicted(), row.measured(), row.ratio(), row.runMeanRatio(), row.sharedMaxRatio(),
                row.probeServerRatio());
        }
    }

    /** @return the largest |predicted ÷ measured − 1| of the rows. */
    static double maxError(final List<Row> rows)
    {
        return rows.stream().mapToDouble(row -> Math.abs(row.ratio() - 1.0)).max().orElse(0.0);
    }
}
