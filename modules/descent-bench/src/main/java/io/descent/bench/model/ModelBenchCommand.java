package io.descent.bench.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.scale.ScaleProbe;
import io.descent.data.shard.TempDirectories;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.transport.wire.FastestMac;
import picocli.CommandLine.Command;
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
        "gradient is M/R (default: ${DEFAULT-VALUE}: none, the only one Descent has yet)")
    private double compression = 1.0;

    @Option(names = "--consistency", paramLabel = "MODEL", description = "sync, backup, ssp or async " +
        "(default: ${DEFAULT-VALUE})")
    private String consistency = "sync";

    @Option(names = "--step-overhead-ms", paramLabel = "MS", description = "fixed cost per step (default: " +
        "measured here by a 1-worker local run of a tiny model)")
    private Double stepOverheadMs;

    @Option(names = "--validate", description = "first run bench scale configurations here and compare: local " +
        "processes and network namespaces (root) at each --validate-links rate, each --validate-shapes shape and " +
        "each --validate-compression; sync")
    private boolean validate;

    @Option(names = "--validate-links", paramLabel = "LIST", description = "--validate: local and/or link rates " +
        "(default: ${DEFAULT-VALUE})")
    private String validateLinks = "local,100mbit,1gbit,10gbit";

    @Option(names = "--validate-shapes", paramLabel = "LIST", description = "--validate: WORKERSxSERVERS " +
        "shapes (default: ${DEFAULT-VALUE})")
    private String validateShapes = "1x1,2x1,3x1,2x2";

    @Option(names = "--validate-compression", paramLabel = "LIST", description = "--validate: gradient " +
        "compressions to run each shape with (none, fp16, bf16, threshold: descent.cluster.compression of every " +
        "node); the model is given ratio 2 for fp16 and bf16, and for threshold M ÷ the bytes a worker sent per step " +
        "(default: ${DEFAULT-VALUE})")
    private String validateCompression = "none";

    @Option(names = "--validate-steps", paramLabel = "S", description = "--validate: steps per epoch of each run " +
        "(one warm-up epoch, one measured; default: ${DEFAULT-VALUE})")
    private int validateSteps = 10;

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
        final Consistency model = checkInputs();
        final List<String> widths = models.isEmpty() ? PRESETS : models;
        final List<ModelSpec> specs = widths.stream().map(ModelBenchCommand::spec).toList();
        final List<int[]> shapes = validate ? ListOptions.shapes(validateShapes) : List.of();
        final List<String> links = validate ? ListOptions.words("--validate-links", validateLinks) : List.of();
        final List<String> codecs = validate ? ListOptions.compressions(validateCompression) : List.of();
        checkOutputs();
        final Double reportedCompute = null == fromReport ? null : computeFromReport(fromReport);
        final long largest = specs.stream().mapToLong(ComputeProbe::modelBytes).max().orElse(1);
        final RateProbe rates = new RateProbe((int)Math.min(Integer.MAX_VALUE, Math.max(1024, largest / Float.BYTES)),
            FastestMac.onThisRuntime());
        final Overheads measured = rates.measure(0.0);
        final Map<String, Object> json = new LinkedHashMap<>();
        final Path work = tempDir();
        try
        {
            final ScaleProbe probe = new ScaleProbe(work, mtu);
            if (validate && links.stream().anyMatch(link -> !link.equals("local")))
            {
                probe.requireNetns();
            }
            final double fixed = null != stepOverheadMs ? stepOverheadMs / 1e3 : fixedCost(probe);
            final Overheads host = measured.withStepSeconds(fixed);
            System.out.printf(Locale.ROOT, "measured here: fold %.2f GB/s, update (finite check + momentum SGD) " +
                "%.2f GB/s, local copy+CRC %.2f GB/s, data plane (IPC, %s) %.2f GB/s a transfer, its tag alone %.2f " +
                "GB/s (over %.1f MB), fixed cost %.2f ms a step%s%n", host.sumBytesPerSec() / 1e9,
                host.updateBytesPerSec() / 1e9, host.copyBytesPerSec() / 1e9, FastestMac.onThisRuntime().label(),
                host.transferBytesPerSec() / 1e9, host.tagBytesPerSec() / 1e9, largest / 1e6, fixed * 1e3,
                null != stepOverheadMs ? " (given)" : "");
            final Map<String, Object> overheads = new LinkedHashMap<>();
            overheads.put("fixed_step_s", fixed);
            overheads.put("sum_bytes_per_sec", host.sumBytesPerSec());
            overheads.put("update_bytes_per_sec", host.updateBytesPerSec());
            overheads.put("copy_bytes_per_sec", host.copyBytesPerSec());
            overheads.put("transfer_bytes_per_sec", host.transferBytesPerSec());
            overheads.put("tag_bytes_per_sec", host.tagBytesPerSec());
            json.put("overheads", overheads);
            if (validate)
            {
                final long start = System.nanoTime();
                final Validation validation = new Validation(probe, mtu, batch, validateSteps, System.out);
                final List<Validation.Row> rows = new ArrayList<>();
                for (final String link : links)
                {
                    rows.addAll(validation.run(link, shapes, codecs));
                }
                final double maxError = Validation.maxError(rows);
                System.out.printf(Locale.ROOT, "validation: %d configurations, max error %.1f %% (predicted ÷ " +
                    "measured throughput), %.0f s%n", rows.size(), maxError * 100, (System.nanoTime() - start) / 1e9);
                json.put("validation", rows.stream().map(Validation.Row::toJson).toList());
                json.put("max_error", maxError);
            }
        }
        finally
        {
            TempDirectories.deleteQuietly(work);
        }
        final Overheads host = measured.withStepSeconds(((Number)((Map<?, ?>)json.get("overheads"))
            .get("fixed_step_s")).doubleValue());
        final Predictions predictions = new Predictions(new StepTimeModel(host), batch, linkBits / BITS_PER_BYTE *
            WireFraming.efficiency(mtu), latencyUs / 1e6, compression, model);
        final List<PredictionPlot.Point> points = new ArrayList<>();
        final List<Map<String, Object>> predicted = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%npredictions: links %s (%.1f %% framing at MTU %d), latency %.0f us, " +
            "batch %d, compression %.1f, %s%n", linkRate, (1 - WireFraming.efficiency(mtu)) * 100, mtu, latencyUs,
            batch, compression, model);
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
            PredictionPlot.write(plot, linkRate + ", " + model, points);
        }
        return 0;
    }

    private Consistency checkInputs()
    {
        final Consistency model = Consistency.parse(consistency);
        if (null == model)
        {
            throw new BadInputException("--consistency '" + consistency + "' is not a consistency model; use sync, " +
                "backup, ssp or async");
        }
        if (batch < 1 || validateSteps < 1)
        {
            throw new BadInputException("--batch and --validate-steps must be at least 1, got " + batch + " and " +
                validateSteps);
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

    /** @return the fixed cost of a step here: a 1-worker local run of a tiny model, less its compute. */
    private double fixedCost(final ScaleProbe probe) throws InterruptedException
    {
        final ScaleProbe.Measured tiny = probe.run(false, null, 1, 1, Validation.TINY_MODEL, batch, 30);
        return Math.max(0.0, tiny.stepSeconds() - tiny.computeSeconds());
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
