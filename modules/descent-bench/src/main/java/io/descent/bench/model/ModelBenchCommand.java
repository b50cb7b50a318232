package io.descent.bench.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.scale.ScaleProbe;
import io.descent.bench.scale.SharedComputeProbe;
import io.descent.cluster.Consistency;
import io.descent.data.shard.TempDirectories;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.transport.wire.FastestMac;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench model}: predicts a data-parallel job's step time, throughput and weak-scaling efficiency on N
 * workers and S server shards ({@link StepTimeModel}) from measured inputs: the per-worker compute time of each model
 * at its batch (measured here, or given), the host's server and copy rates and per-step fixed cost (measured here),
 * and the network the user names (link rate, latency), compression ratio and consistency model. Prints the breakdown
 * per configuration with BytePS's communication bound beside it; {@code --validate} first checks the model against
 * {@code bench scale} runs of this host. Runs on the calling thread.
 */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Predicts step time, throughput and weak-scaling efficiency for N workers and S server shards " +
        "from measured inputs (compute per worker, the host's server and copy rates and per-step cost) and the " +
        "network you name; --validate first checks the model against bench scale runs here (local and --netns).")
public final class ModelBenchCommand implements Callable<Integer>
{
    private static final List<String> PRESETS = List.of(Validation.SMALL_MODEL, Validation.LARGE_MODEL);
    private static final double BITS_PER_BYTE = 8.0;

    @Option(names = "--model", paramLabel = "WIDTHS", description = "MLP widths to predict, repeatable (default: " +
        "the benchmark presets mlp-s 784-512-256-10 and mlp-l 784-2048-2048-10)")
    private List<String> models = new ArrayList<>();

    @Option(names = "--batch", paramLabel = "B", description = "examples per worker per step (default: ${DEFAULT-VALUE})")
    private int batch = 256;

    @Option(names = "--compute-ms", paramLabel = "MS", description = "one worker's forward + backward per step, " +
        "e.g. from a report's compute_s ÷ steps (default: measured here, 1 BLAS thread)")
    private Double computeMs;

    @Option(names = "--from-report", paramLabel = "FILE", description = "take the compute time per step from a " +
        "training or bench scale report (its last epoch's compute_s ÷ steps, or the last run's compute_s)")
    private Path fromReport;

    @Option(names = "--workers", paramLabel = "LIST", description = "worker counts (default: ${DEFAULT-VALUE})")
    private String workers = "8,16,32,64,128,256";

    @Option(names = "--servers", paramLabel = "LIST", description = "server shard counts (default: ${DEFAULT-VALUE})")
    private String servers = "1,2,4,8";

    @Option(names = "--link-rate", paramLabel = "RATE", description = "every node's link, each way, as tc writes " +
        "it (default: ${DEFAULT-VALUE})")
    private String linkRate = "10gbit";

    @Option(names = "--latency-us", paramLabel = "US", description = "one-way link latency, microseconds " +
        "(default: ${DEFAULT-VALUE})")
    private double latencyUs = 50;

    @Option(names = "--mtu", paramLabel = "BYTES", description = "link MTU: the data plane's framing share of " +
        "the link (default: ${DEFAULT-VALUE})")
    private int mtu = 9000;

    @Option(names = "--compression", paramLabel = "R", description = "gradient compression ratio ≥ 1; the pushed " +
        "gradient is M/R: 2 for fp16 or bf16, about 1/density for threshold (default: ${DEFAULT-VALUE}, none)")
    private double compression = 1.0;

    @Option(names = "--consistency", paramLabel = "MODEL", description = "sync, backup, ssp or async " +
        "(default: ${DEFAULT-VALUE})")
    private String consistency = "sync";

    @Option(names = "--pipeline", description = "ssp, async: the workers are pipelined (descent.cluster.pipeline=on, " +
        "one server): a worker's communication overlaps its next computation; without it a worker waits for its " +
        "weights after each push, as under sync")
    private boolean pipeline;

    @Option(names = "--step-overhead-ms", paramLabel = "MS", description = "fixed cost per step (default: " +
        "measured here by a 1-worker local run of a tiny model)")
    private Double stepOverheadMs;

    @Mixin
    private ValidationOptions validation = new ValidationOptions();

    @Option(names = "--report", paramLabel = "FILE", description = "write the inputs, validation and predictions " +
        "as JSON")
    private Path report;

    @Option(names = "--plot", paramLabel = "FILE", description = "write the predictions as a PNG")
    private Path plot;

    @Override
    public Integer call() throws InterruptedException
    {
        final int[] counts = ListOptions.counts("--workers", workers);
        final int[] shards = ListOptions.counts("--servers", servers);
        final long linkBits = ScaleProbe.bitsPerSecond(linkRate);
        final Consistency.Mode model = checkInputs();
        final List<String> widths = models.isEmpty() ? PRESETS : models;
        final List<ModelSpec> specs = widths.stream().map(ModelBenchCommand::spec).toList();
        final boolean validate = validation.check();
        checkOutputs();
        final Double reportedCompute = null == fromReport ? null : computeFromReport(fromReport);
        final long largest = specs.stream().mapToLong(ComputeProbe::modelBytes).max().orElse(1);
        final RateProbe rates = new RateProbe((int)Math.min(Integer.MAX_VALUE, Math.max(1024, largest / Float.BYTES)),
            FastestMac.onThisRuntime(), mtu);
        final Map<String, Object> json = new LinkedHashMap<>();
        final Path work = null != validation.logs() ? validation.logs() : tempDir();
        final Overheads host;
        boolean measured = false;
        try
        {
            final ScaleProbe probe = new ScaleProbe(work, mtu);
            if (validate && validation.needsNetns())
            {
                probe.requireNetns();
            }
            host = rates.measure(null != stepOverheadMs ? stepOverheadMs / 1e3 : fixedCost(probe));
            System.out.printf(Locale.ROOT, "measured here: %s (data plane over IPC with %s, %.1f MB)%s%n",
                host.describe(), FastestMac.onThisRuntime().label(), largest / 1e6,
                null != stepOverheadMs ? "; fixed cost given" : "");
            json.put("overheads", host.toJson());
            if (validate)
            {
                json.putAll(validation.run(probe, new SharedComputeProbe(work.resolve("shared-compute")), mtu, batch,
                    System.out));
            }
            measured = true;
        }
        finally
        {
            // A failed run's error names files in the temporary directory: those are kept.
            if (null == validation.logs())
            {
                if (measured)
                {
                    TempDirectories.deleteQuietly(work);
                }
                else
                {
                    System.err.println("bench model: kept the runs' files for the error below in " + work);
                }
            }
        }
        final Predictions predictions = new Predictions(new StepTimeModel(host), batch, linkBits / BITS_PER_BYTE *
            WireFraming.efficiency(mtu), latencyUs / 1e6, compression, model, pipeline);
        final List<PredictionPlot.Point> points = new ArrayList<>();
        final List<Map<String, Object>> predicted = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%npredictions: links %s (%.1f %% framing at MTU %d), latency %.0f us, " +
            "batch %d, compression %.1f, %s%n", linkRate, (1 - WireFraming.efficiency(mtu)) * 100, mtu, latencyUs,
            batch, compression, model.label() + (pipeline && StepTimeModel.overlapped(model) ? " pipelined (one " +
            "server; with shards timed as sync)" : ""));
        System.out.println("predictions assume a real cluster: every worker and shard on a host of its own (no shared " +
            "cores), the steady state (one round per full batch, an epoch's end not counted) and this host's fixed " +
            "cost of a 1-worker step");
        for (int i = 0; i < specs.size(); i++)
        {
            final double compute = null != computeMs ? computeMs / 1e3 : null != reportedCompute ? reportedCompute :
                ComputeProbe.secondsPerStep(specs.get(i), batch);
            predicted.addAll(predictions.print(widths.get(i), ComputeProbe.modelBytes(specs.get(i)), compute, counts,
                shards, points, System.out));
        }
        json.put("inputs", inputs());
        json.put("predictions", predicted);
        if (null != report)
        {
            JsonReports.writeAtomically(report, json);
        }
        if (null != plot)
        {
            PredictionPlot.write(plot, linkRate + ", " + model.label(), points);
        }
        return 0;
    }

    private Consistency.Mode checkInputs()
    {
        final Consistency.Mode model = Arrays.stream(Consistency.Mode.values())
            .filter(mode -> mode.label().equals(consistency.trim().toLowerCase(Locale.ROOT))).findFirst().orElse(null);
        if (null == model)
        {
            throw new BadInputException("--consistency '" + consistency + "' is not a consistency model; use sync, " +
                "backup, ssp or async");
        }
        if (batch < 1)
        {
            throw new BadInputException("--batch must be at least 1, got " + batch);
        }
        if (!(compression >= 1.0) || !(latencyUs >= 0) || (null != computeMs && !(computeMs >= 0)) ||
            (null != stepOverheadMs && !(stepOverheadMs >= 0)))
        {
            throw new BadInputException("--compression must be at least 1 and --latency-us, --compute-ms and " +
                "--step-overhead-ms at least 0");
        }
        if (mtu < 576 || mtu > 65535)
        {
            throw new BadInputException("--mtu " + mtu + " is not a link MTU: use 576..65535 bytes, e.g. 1500 or 9000");
        }
        if (null != computeMs && null != fromReport)
        {
            throw new BadInputException("--compute-ms and --from-report both give the compute time; give one");
        }
        return model;
    }

    private static ModelSpec spec(final String widths)
    {
        try
        {
            return ModelSpec.parseMlp(widths);
        }
        catch (final RuntimeException ex)
        {
            throw new BadInputException("--model '" + widths + "' is not MLP widths; write them as 784-512-256-10");
        }
    }

    /**
     * @return the fixed cost of a step here: a 1-worker local run of a tiny model, less its compute, per round (its
     * epoch's partial last batch is a round of its own).
     */
    private double fixedCost(final ScaleProbe probe) throws InterruptedException
    {
        return Math.max(0.0, probe.run(false, null, 1, 1, Validation.TINY_MODEL, batch, 30).overheadPerRound());
    }

    /** @return the compute seconds per step in a training report's last epoch or a scale report's last run. */
    static double computeFromReport(final Path file)
    {
        final JsonNode json;
        try
        {
            json = JsonReports.mapper().readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new BadInputException("--from-report " + file + " cannot be read as JSON: " + ex.getMessage());
        }
        final JsonNode epochs = json.path("epochs");
        if (epochs.isArray() && epochs.size() > 0 && epochs.get(epochs.size() - 1).hasNonNull("compute_s"))
        {
            final JsonNode last = epochs.get(epochs.size() - 1);
            return last.get("compute_s").asDouble() / Math.max(1, last.path("steps").asDouble(1));
        }
        final JsonNode runs = json.path("runs");
        if (runs.isArray() && runs.size() > 0 && runs.get(runs.size() - 1).hasNonNull("compute_s"))
        {
            return runs.get(runs.size() - 1).get("compute_s").asDouble();
        }
        throw new BadInputException("--from-report " + file + " has no compute time: expected a cluster training " +
            "report (epochs[].compute_s) or a bench scale report (runs[].compute_s)");
    }

    private Map<String, Object> inputs()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("link_rate", linkRate);
        json.put("latency_us", latencyUs);
        json.put("mtu", mtu);
        json.put("batch", batch);
        json.put("compression", compression);
        json.put("consistency", consistency);
        json.put("pipeline", pipeline);
        return json;
    }

    private void checkOutputs()
    {
        for (final Path file : Arrays.asList(report, plot))
        {
            if (null != file && !Files.isDirectory(file.toAbsolutePath().getParent()))
            {
                throw new BadInputException((file == report ? "--report " : "--plot ") + file + ": its directory " +
                    "does not exist; create it first");
            }
        }
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("descent-model-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("creating a work directory for bench model", ex);
        }
    }
}
