package io.descent.bench.soak;

import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.train.JobArguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench soak}: a job on a local cluster for a fixed time, every node's memory sampled from its
 * {@code /metrics}; reports per node the resident set, heap after GC and JavaCPP's off-heap bytes over time, their
 * growth per hour after a warm-up (least-squares slope, in % of the level), ND4J's native allocations per step and
 * the collections {@code System.gc()} forced. The goal of issue #16: resident-set growth below
 * {@value #GOAL_PERCENT_PER_HOUR} %/h on every node and no forced collection.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "Run a job on a local cluster for a fixed time and report every node's memory over time: " +
        "resident set, heap after GC, JavaCPP bytes, their growth per hour after a warm-up, ND4J allocations per " +
        "step and forced collections. The job is PRESET or --config FILE (default: fashion-mnist), with --set and " +
        "--seed; the soak sets train.epochs.")
public final class SoakBenchCommand implements Callable<Integer>
{
    static final double GOAL_PERCENT_PER_HOUR = 2.0;
    /** More epochs than any soak lasts (the most a job may have): the soak ends the job, not its last epoch. */
    private static final int EPOCHS = 1_000_000;

    /** The job; fashion-mnist when neither a preset nor a file is given. The soak sets train.epochs. */
    @Mixin
    private JobArguments jobArguments;

    @Option(names = "--minutes", paramLabel = "M", description = "how long the job runs (default: ${DEFAULT-VALUE})")
    private double minutes = 30;

    @Option(names = "--workers", paramLabel = "N", description = "worker processes (default: ${DEFAULT-VALUE})")
    private int workers = 2;

    @Option(names = "--threads", paramLabel = "T", description = "BLAS threads per process (default: cores / N)")
    private Integer threads;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "time between two samples of every node " +
        "(default: ${DEFAULT-VALUE})")
    private double interval = 5;

    @Option(names = "--warmup-minutes", paramLabel = "W", description = "samples before this are left out of the " +
        "growth (JIT, heap sizing, first evaluations; default: 5, or a third of --minutes when that is less)")
    private Double warmupMinutes;

    @Option(names = "--report", paramLabel = "FILE", description = "write the report as JSON")
    private Path report;

    @Override
    public Integer call() throws InterruptedException
    {
        final double warmup = null != warmupMinutes ? warmupMinutes : Math.min(5.0, minutes / 3.0);
        check(warmup);
        final List<String> jobArgs = jobArgs();
        final int perProcess = null != threads ? threads :
            Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        System.out.printf("soak: %s on a parameter server and %d worker(s), %d BLAS thread(s) each, for %.1f " +
            "minutes, sampling every %.0f s; growth measured after %.1f minutes%n", String.join(" ", jobArgs),
            workers, perProcess, minutes, interval, warmup);
        final List<NodeTimeline> nodes =
            new SoakRun(jobArgs, workers, perProcess, minutes * 60.0, interval, System.out).run();
        final double warmupSeconds = warmup * 60.0;
        final Map<String, Object> json = json(nodes, jobArgs, perProcess, warmup);
        System.out.println();
        nodes.forEach(node -> System.out.println(node.summary(warmupSeconds)));
        System.out.printf("goal (rss growth < %.1f %%/h on every node, no forced collection): %s%n",
            GOAL_PERCENT_PER_HOUR, (boolean)json.get("met") ? "met" : "NOT met");
        System.out.println(JsonReports.mapper().valueToTree(json).toString());
        if (null != report)
        {
            JsonReports.writeAtomically(report, json);
        }
        return 0;
    }

    private void check(final double warmup)
    {
        if (!(minutes > 0) || !(interval > 0) || workers < 1 || (null != threads && threads < 1))
        {
            throw new BadInputException("--minutes and --interval must be more than 0, --workers and --threads at " +
                "least 1; got " + minutes + ", " + interval + ", " + workers + ", " + threads);
        }
        if (!(warmup >= 0) || warmup >= minutes)
        {
            throw new BadInputException("--warmup-minutes " + warmup + " must be at least 0 and less than " +
                "--minutes " + minutes + ", to leave samples to measure the growth on");
        }
        if (null != report && !Files.isDirectory(report.toAbsolutePath().getParent()))
        {
            throw new BadInputException("--report " + report + ": its directory does not exist; create it first");
        }
    }

    /** @return the job as {@code descent} arguments, checked here first so that bad input fails once, fast. */
    private List<String> jobArgs()
    {
        final JobArguments job = jobArguments.orPreset("fashion-mnist").with("train.epochs=" + EPOCHS);
        job.job();
        return job.toArgs();
    }

    private Map<String, Object> json(final List<NodeTimeline> nodes, final List<String> jobArgs, final int perProcess,
        final double warmup)
    {
        final double warmupSeconds = warmup * 60.0;
        boolean met = !nodes.isEmpty();
        for (final NodeTimeline node : nodes)
        {
            final double growth = node.residentGrowth(warmupSeconds).percentPerHour();
            met &= growth < GOAL_PERCENT_PER_HOUR && node.forcedTotal() == 0;
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", jobArgs);
        json.put("minutes", minutes);
        json.put("workers", workers);
        json.put("threads", perProcess);
        json.put("interval_s", interval);
        json.put("warmup_minutes", warmup);
        json.put("goal", Map.of("rss_growth_pct_per_hour_below", GOAL_PERCENT_PER_HOUR, "forced_gcs", 0));
        json.put("met", met);
        json.put("nodes", nodes.stream().map(node -> node.json(warmupSeconds)).toList());
        return json;
    }
}
