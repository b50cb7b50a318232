package io.descent.bench.model;

import io.descent.bench.scale.ScaleProbe;
import io.descent.bench.scale.SharedComputeProbe;
import io.descent.nn.error.BadInputException;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench model}'s {@code --validate} options (a picocli mixin): which {@code bench scale} runs check the model
 * (links, shapes, compressions, steps) and where their node logs stay; parsed and checked once by {@link #check}, then
 * {@link #run run}. Used by one thread.
 */
final class ValidationOptions
{
    @Option(names = "--validate", description = "first run bench scale configurations here and compare: local " +
        "processes and network namespaces (root) at each --validate-links rate, each --validate-shapes shape and " +
        "each --validate-compression; sync")
    private boolean validate;

    @Option(names = "--validate-links", paramLabel = "LIST", description = "--validate: local and/or link rates " +
        "(default: ${DEFAULT-VALUE})")
    private String links = "local,100mbit,1gbit,10gbit";

    @Option(names = "--validate-shapes", paramLabel = "LIST", description = "--validate: WORKERSxSERVERS " +
        "shapes (default: ${DEFAULT-VALUE})")
    private String shapes = "1x1,2x1,3x1,2x2";

    @Option(names = "--validate-compression", paramLabel = "LIST", description = "--validate: gradient " +
        "compressions to run each shape with (none, fp16, bf16, threshold: descent.cluster.compression of every " +
        "node); the model is given ratio 2 for fp16 and bf16, and for threshold M ÷ the bytes a worker sent per step " +
        "(default: ${DEFAULT-VALUE})")
    private String compressions = "none";

    @Option(names = "--validate-steps", paramLabel = "S", description = "--validate: steps per epoch of each run " +
        "(the warm-up epochs, then one measured; default: ${DEFAULT-VALUE})")
    private int steps = 10;

    @Option(names = "--validate-warmup-epochs", paramLabel = "E", description = "--validate: epochs each run " +
        "trains before the measured one (JIT, caches, buffers of every process: with one, a 2x2 run's five JVMs on 2 " +
        "cores were still warming up; default: ${DEFAULT-VALUE})")
    private int warmupEpochs = 2;

    @Option(names = "--validate-logs", paramLabel = "DIR", description = "--validate: keep the runs' job files, " +
        "reports and node logs in DIR (default: a temporary directory, deleted at the end)")
    private Path logs;

    private List<String> linkList = List.of();
    private List<int[]> shapeList = List.of();
    private List<String> codecList = List.of();

    /**
     * Parses the lists; a mistake is one line naming the option.
     *
     * @return true when {@code --validate} was given.
     */
    boolean check()
    {
        if (steps < 1)
        {
            throw new BadInputException("--validate-steps must be at least 1, got " + steps);
        }
        if (warmupEpochs < 1)
        {
            throw new BadInputException("--validate-warmup-epochs must be at least 1, got " + warmupEpochs);
        }
        if (null != logs && !Files.isDirectory(logs.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--validate-logs " + logs + ": its parent directory does not exist; " +
                "create it first");
        }
        if (validate)
        {
            shapeList = ListOptions.shapes(shapes);
            linkList = ListOptions.words("--validate-links", links);
            codecList = ListOptions.compressions(compressions);
        }
        return validate;
    }

    /** @return whether a validation run needs network namespaces (root). */
    boolean needsNetns()
    {
        return linkList.stream().anyMatch(link -> !link.equals("local"));
    }

    /** @return the directory to keep the runs in, or null for a temporary one. */
    Path logs()
    {
        return logs;
    }

    /**
     * Runs every configuration and prints the table's rows as they come, then the maximum error.
     *
     * @param probe        runs bench scale's job.
     * @param computeProbe measures each shape's host-shared compute.
     * @return the report's {@code validation} rows and {@code max_error}.
     */
    Map<String, Object> run(final ScaleProbe probe, final SharedComputeProbe computeProbe, final int mtu,
        final int batch, final PrintStream out) throws InterruptedException
    {
        final long start = System.nanoTime();
        final Validation validation = new Validation(probe, computeProbe, mtu, batch, steps, warmupEpochs,
            out);
        out.printf(Locale.ROOT, "validation assumes this host: each run's processes share its %d cores; a worker's " +
            "compute is the run's own mean compute (taken from its report, under the run's contention) × the " +
            "spread E[max] ÷ mean of host-shared compute, measured with P processes in lockstep (P = workers + " +
            "servers compute-only processes, 1 BLAS thread each, the workers waiting for one another after every " +
            "step: a sync step waits for the slower worker); a round's fixed cost is measured for each shape (a " +
            "tiny model on as many processes, %d steps an epoch); a run's partial last batch is a round of its own; " +
            "%d warm-up epoch(s) before the measured one%n", Runtime.getRuntime().availableProcessors(), steps,
            warmupEpochs);
        final List<Validation.Row> rows = new ArrayList<>();
        for (final String link : linkList)
        {
            rows.addAll(validation.run(link, shapeList, codecList));
        }
        final double maxError = Validation.maxError(rows);
        out.printf(Locale.ROOT, "validation: %d configurations, max error %.1f %% (predicted ÷ measured " +
            "throughput), %.0f s%n", rows.size(), maxError * 100, (System.nanoTime() - start) / 1e9);
        Validation.printTable(rows, out);
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("validation", rows.stream().map(Validation.Row::toJson).toList());
        json.put("max_error", maxError);
        return json;
    }
}
