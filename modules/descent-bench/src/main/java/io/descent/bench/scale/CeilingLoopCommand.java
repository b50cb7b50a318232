package io.descent.bench.scale;

import io.descent.bench.transport.ChunkTagger;
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
import io.descent.transport.wire.ChunkAuth;
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
 *   <li>{@code run SECONDS [BASE WORKERS]}: steps, free-running, for that long;</li>
 *   <li>{@code lockstep STEPS RANKS BASE}: that many steps, each followed by the {@link LockstepBarrier} of slots
 *   {@code 0..RANKS-1} (counts from {@code BASE + 1}), as synchronous training steps with free communication.</li>
 * </ul>
 * It waits, idle, between windows, and exits when standard input closes (the launcher is gone) or says anything
 * else.
 *
 * <p>With {@code --role worker} or {@code server} it is one process of the ceiling with the server's work, its
 * barrier slot {@code rank + 1} or 0: a worker adds its data-plane byte work to every step ({@link WorkerStepBytes})
 * and, running free, publishes its count from {@code BASE + 1}; the server's process computes nothing and runs, each
 * step, the server's work for the window's workers ({@link ServerStepWork}: {@code RANKS - 1} of them in lockstep;
 * running free, {@code WORKERS}, paced to one step per {@code WORKERS} gradients the workers have made since
 * {@code BASE}). Both with the chunk tag {@code --auth}.
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

    @Option(names = "--role", paramLabel = "ROLE", description = "compute (the default), worker or server")
    private Role role = Role.compute;

    @Option(names = "--auth", paramLabel = "TAG", description = "--role worker or server: the data plane's chunk " +
        "tag, crc-only or a MAC (e.g. aes-gmac)")
    private String auth;

    /** What the process runs each step. */
    enum Role
    {
        /** A worker's step arithmetic alone. */
        compute,
        /** A worker's step arithmetic and its data-plane byte work. */
        worker,
        /** The parameter server's step work for the window's workers. */
        server
    }

    private long step;
    private StepCompute compute;
    private WorkerStepBytes workerBytes;
    private ServerStepWork serverWork;

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
        final Model model = Model.create(data.spec(), job.seed());
        final int floats = Math.toIntExact(model.parameterCount());
        if (role == Role.server)
        {
            serverWork = new ServerStepWork(floats, workers, tagger(), job.seed());
        }
        else
        {
            compute = new StepCompute(model, plan, train, job.train().loss(), job.seed());
            workerBytes = role == Role.worker ? new WorkerStepBytes(floats, tagger()) : null;
        }
        for (int i = 0; i < warmupSteps; i++)
        {
            runStep(workers);
        }
        System.out.println(READY);
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final int slots = role == Role.compute ? workers : workers + 1;
        try (LockstepBarrier barrier = LockstepBarrier.open(barrierFile, slots, slot()))
        {
            for (String line = in.readLine(); null != line; line = in.readLine())
            {
                if (line.startsWith(RUN))
                {
                    final String[] args = line.substring(RUN.length()).trim().split(" ");
                    free(barrier, Double.parseDouble(args[0]), args.length > 2 ? Long.parseLong(args[1]) : 0,
                        args.length > 2 ? Integer.parseInt(args[2]) : workers);
                }
                else if (line.startsWith(LOCKSTEP))
                {
                    final String[] args = line.substring(LOCKSTEP.length()).trim().split(" ");
                    lockstep(barrier, Long.parseLong(args[0]), Integer.parseInt(args[1]), Long.parseLong(args[2]));
                }
                else
                {
                    break;
                }
            }
        }
        return 0;
    }

    private void free(final LockstepBarrier barrier, final double seconds, final long base, final int ranks)
        throws IOException
    {
        long steps = 0;
        long samples = 0;
        final long start = System.nanoTime();
        final long end = start + (long)(seconds * 1e9);
        do
        {
            if (role == Role.server && !barrier.awaitTotal(1, ranks, base, (steps + 1) * ranks, end))
            {
                break;
            }
            samples += runStep(ranks);
            steps++;
            if (role == Role.worker)
            {
                barrier.publish(base + steps);
            }
        }
        while (System.nanoTime() - end < 0);
        result(steps, samples, start, System.nanoTime() - start);
    }

    private void lockstep(final LockstepBarrier barrier, final long steps, final int ranks, final long base)
        throws IOException
    {
        long samples = 0;
        long computeNs = 0;
        final long start = System.nanoTime();
        // The server's process takes slot 0 of the ranks: the others are its workers.
        final int served = role == Role.server ? ranks - 1 : ranks;
        for (long i = 1; i <= steps; i++)
        {
            final long stepStart = System.nanoTime();
            samples += runStep(served);
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

    /**
     * The next step as this process's role runs it: a worker's compute, then the read-ahead it does once the gradient
     * is pushed (and its byte work, as a worker beside the server); or the server's work for {@code ranks} workers.
     *
     * @return the examples computed.
     */
    private int runStep(final int ranks)
    {
        if (role == Role.server)
        {
            serverWork.step(ranks);
            return 0;
        }
        final StepOrder order = StepCompute.ownShard(compute.plan(), step++ % compute.plan().totalSteps(), rank);
        compute.compute(order);
        if (null != workerBytes)
        {
            workerBytes.step();
        }
        compute.readAhead(order);
        return compute.rows(order);
    }

    /** @return the barrier slot: the rank alone, the server's process 0, a worker beside it its rank + 1. */
    private int slot()
    {
        return role == Role.compute ? rank : role == Role.server ? 0 : rank + 1;
    }

    private ChunkTagger tagger()
    {
        final ChunkAuth tag = null == auth ? null : ChunkAuth.fromLabel(auth);
        if (null == tag)
        {
            throw new BadInputException("ceiling-loop --role " + role + " needs --auth crc-only or a MAC's name, got " +
                auth);
        }
        return new ChunkTagger(tag);
    }
}
