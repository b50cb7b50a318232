package io.descent.cli.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.cluster.LocalCluster;
import io.descent.cli.report.JsonReports;
import io.descent.nn.BadInputException;
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
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench scale}: the same job at each worker count on a local cluster of separate processes (weak
 * scaling: the per-worker batch stays fixed), reporting throughput and efficiency against the smallest count, all
 * measured in one run.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = "Weak scaling: the same job at each worker count (local processes), throughput and efficiency.")
public final class ScaleBenchCommand implements Callable<Integer>
{
    @Option(names = "--workers", paramLabel = "LIST", description = "worker counts (default: ${DEFAULT-VALUE})")
    private String workers = "1,2";

    @Option(names = "--model", paramLabel = "WIDTHS", description = "MLP widths (default: ${DEFAULT-VALUE})")
    private String model = "784-512-256-10";

    @Option(names = "--batch", paramLabel = "B", description = "examples per worker per step (default: ${DEFAULT-VALUE})")
    private int batch = 256;

    @Option(names = "--threads", paramLabel = "T", description = "BLAS threads per process (default: ${DEFAULT-VALUE})")
    private int threads = 1;

    @Option(names = "--steps", paramLabel = "S", description = "steps per epoch; the 2nd epoch is measured " +
        "(default: ${DEFAULT-VALUE})")
    private int steps = 100;

    @Option(names = "--report", paramLabel = "FILE", description = "write {\"runs\":[…]} as JSON")
    private Path report;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "write scale.json, scale.csv and scale.png")
    private Path reportDir;

    @Override
    public Integer call() throws InterruptedException
    {
        final int[] counts = parseCounts();
        final ScaleJob job = ScaleJob.of(model, batch, steps);
        checkOutputs();
        final Path work = tempDir();
        final List<ScaleRun> runs = new ArrayList<>();
        for (final int count : counts)
        {
            final Path reportFile = work.resolve("run-" + count + ".json");
            final int code = new LocalCluster(List.of("--config", job.write(work, count).toString()), count, threads,
                reportFile).run();
            if (code != 0)
            {
                throw new IllegalStateException("the " + count + "-worker run exited with " + code +
                    "; its logs are in " + System.getProperty("java.io.tmpdir"));
            }
            runs.add(ScaleRun.fromReport(count, batch, readReport(reportFile)));
        }
        final Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("model", model);
        setup.put("batch", batch);
        setup.put("threads", threads);
        setup.put("steps_per_epoch", steps);
        final Map<String, Object> json = ScaleOutputs.json(runs, setup);
        print(runs);
        if (null != report)
        {
            JsonReports.writeAtomically(report, json);
        }
        if (null != reportDir)
        {
            ScaleOutputs.writeDirectory(reportDir, runs, json);
        }
        return 0;
    }

    private void print(final List<ScaleRun> runs)
    {
        System.out.printf("%nmodel %s, batch %d per worker, %d BLAS thread(s) per process, %d steps measured%n",
            model, batch, threads, steps);
        System.out.println("workers  samples/s  efficiency  step ms  compute ms  comm ms");
        for (final ScaleRun run : runs)
        {
            System.out.printf("%7d  %9.0f  %10.3f  %7.2f  %10.2f  %7.2f%n", run.workers(), run.samplesPerSec(),
                run.efficiency(runs.get(0)), run.stepSeconds() * 1e3, run.computeSeconds() * 1e3,
                run.commSeconds() * 1e3);
        }
    }

    private int[] parseCounts()
    {
        final int[] counts;
        try
        {
            counts = Arrays.stream(workers.split(",")).map(String::trim).mapToInt(Integer::parseInt).sorted().toArray();
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException("--workers '" + workers + "' must be worker counts separated by commas, " +
                "e.g. 1,2,4");
        }
        if (counts.length == 0 || counts[0] < 1)
        {
            throw new BadInputException("--workers '" + workers + "': every count must be at least 1");
        }
        if (threads < 1)
        {
            throw new BadInputException("--threads must be at least 1, got " + threads);
        }
        return counts;
    }

    private void checkOutputs()
    {
        if (null != report && !Files.isDirectory(report.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--report " + report + ": its directory does not exist; create it first");
        }
        if (null != reportDir)
        {
            try
            {
                Files.createDirectories(reportDir);
            }
            catch (final IOException ex)
            {
                throw new BadInputException("--report-dir " + reportDir + " cannot be created: " + ex.getMessage());
            }
        }
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("descent-scale-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("creating a work directory for the scaling runs", ex);
        }
    }

    private static JsonNode readReport(final Path file)
    {
        try
        {
            return JsonReports.mapper().readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading the run report " + file, ex);
        }
    }
}
