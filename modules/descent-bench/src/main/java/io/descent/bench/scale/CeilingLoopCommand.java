package io.descent.bench.scale;

import io.descent.cluster.plan.StepPlan;
import io.descent.cluster.protocol.StepOrder;
import io.descent.cluster.worker.StepCompute;
import io.descent.data.ExampleSource;
import io.descent.nn.Model;
import io.descent.nn.error.BadInputException;
import io.descent.report.JsonReports;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.JobSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code descent bench ceiling-loop} (hidden; started by {@link ComputeCeiling}): one worker's step arithmetic with
 * no network, no server and no actors. Opens the job as the worker of rank {@code --rank} of {@code --workers}
 * would, runs {@code --warmup-steps} steps of its own shard and prints {@value #READY}. Then, for every window
 * asked on standard input, runs it and prints one {@value #RESULT} line with a JSON object
 * {@code {"steps","samples","seconds","compute_seconds"}} (the last: the steps' own time, without the barrier's
 * waits):
 * <ul>
 *   <li>{@code run SECONDS}: steps, free-running, for that long;</li>
 *   <li>{@code lockstep STEPS RANKS BASE}: that many steps, each followed by the {@link LockstepBarrier} of ranks
 *   {@code 0..RANKS-1} (counts from {@code BASE + 1}), as synchronous training steps with free communication.</li>
 * </ul>
 * It waits, idle, between windows, and exits when standard input closes (the launcher is gone) or says anything
 * else.
 */
@Command(name = "ceiling-loop", hidden = true, mixinStandardHelpOptions = true,
    description = "One worker's step arithmetic alone (started by bench scale --ceiling).")
public final class CeilingLoopCommand implements Callable<Integer>
{
    /** What every line meant for the launcher starts with. */
    static final String PREFIX = "descent-ceiling: ";
    /** Printed once the warm-up is done. */
    static final String READY = PREFIX + "ready";
    /** Prefix of a window's result line. */
    static final String RESULT = PREFIX + "result ";
    /** Prefix of the command that runs a free-running window. */
    static final String RUN = "run ";
    /** Prefix of the command that runs a window in lockstep. */
    static final String LOCKSTEP = "lockstep ";

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "the job file")
    private Path config;

    @Option(names = "--workers", paramLabel = "N", required = true, description = "workers of the job")
    private int workers;

    @Option(names = "--rank", paramLabel = "R", required = true, description = "the rank whose shard to walk")
    private int rank;

    @Option(names = "--warmup-steps", paramLabel = "W", required = true, description = "steps before the first window")
    private int warmupSteps;

    @Option(names = "--barrier", paramLabel = "FILE", required = true,
        description = "the lockstep barrier file, with a slot for each of --workers ranks")
    private Path barrierFile;

    private long step;

    @Override
    public Integer call() throws IOException
    {
        if (workers < 1 || rank < 0 || rank >= workers || warmupSteps < 0)
        {
            throw new BadInputException("ceiling-loop needs --workers >= 1, 0 <= --rank < --workers and " +
                "--warmup-steps >= 0");
        }
        final JobConfig job = JobConfig.from(JobSource.build(null, config, List.of(), null));
        final JobData data = JobData.load(job, workers);
        final ExampleSource train = data.data().train();
        final StepPlan plan = new StepPlan(train.size(), workers, job.train().batchSize(), job.train().epochs(),
            job.seed());
        final StepCompute compute = new StepCompute(Model.create(data.spec(), job.seed()), plan, train,
            job.train().loss(), job.seed());
        for (int i = 0; i < warmupSteps; i++)
        {
            runStep(compute);
        }
        System.out.println(READY);
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LockstepBarrier barrier = LockstepBarrier.open(barrierFile, workers, rank))
        {
            for (String line = in.readLine(); null != line; line = in.readLine())
            {
                if (line.startsWith(RUN))
                {
                    free(compute, Double.parseDouble(line.substring(RUN.length()).trim()));
                }
                else if (line.startsWith(LOCKSTEP))
                {
                    final String[] args = line.substring(LOCKSTEP.length()).trim().split(" ");
                    lockstep(compute, barrier, Long.parseLong(args[0]), Integer.parseInt(args[1]),
                        Long.parseLong(args[2]));
                }
                else
                {
                    break;
                }
            }
        }
        return 0;
    }

    private void free(final StepCompute compute, final double seconds) throws IOException
    {
        long steps = 0;
        long samples = 0;
        final long start = System.nanoTime();
        final long end = start + (long)(seconds * 1e9);
        do
        {
            samples += runStep(compute);
            steps++;
        }
        while (System.nanoTime() - end < 0);
        result(steps, samples, start, System.nanoTime() - start);
    }

    private void lockstep(final StepCompute compute, final LockstepBarrier barrier, final long steps,
        final int ranks, final long base) throws IOException
    {
        long samples = 0;
        long computeNs = 0;
        final long start = System.nanoTime();
        for (long i = 1; i <= steps; i++)
        {
            final long stepStart = System.nanoTime();
            samples += runStep(compute);
            computeNs += System.nanoTime() - stepStart;
            barrier.arrive(base + i, ranks);
        }
        result(steps, samples, start, computeNs);
    }

    private static void result(final long steps, final long samples, final long startNs, final long computeNs)
        throws IOException
    {
        final double elapsed = (System.nanoTime() - startNs) / 1e9;
        System.out.println(RESULT + JsonReports.line(Map.of("steps", steps, "samples", samples, "seconds", elapsed,
            "compute_seconds", computeNs / 1e9)));
        System.out.flush();
    }

    /** The next step as the worker runs it: compute, then the read-ahead it does once the gradient is pushed. */
    private int runStep(final StepCompute compute)
    {
        final StepOrder order = StepCompute.ownShard(compute.plan(), step++ % compute.plan().totalSteps(), rank);
        compute.compute(order);
        compute.readAhead(order);
        return compute.rows(order);
    }
}
