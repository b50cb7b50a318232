package io.descent.bench.scale;

import io.descent.bench.scale.CeilingProcess.Window;
import io.descent.cluster.local.JavaCommand;
import io.descent.transport.wire.ChunkAuth;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compute-only ceiling of each worker count: processes on this machine that each run one worker's step
 * arithmetic on its own shard of the job ({@link CeilingLoopCommand}: no server, no network, no actors), with the
 * workers' BLAS threads. For a count {@code N}, {@code N} of them run side by side over one window while the others
 * wait idle; their summed throughput is what this host gives {@code N} workers' compute at all, so its weak-scaling
 * efficiency bounds that of any data-parallel trainer here (a trainer adds communication to exactly this work).
 * Then the same processes run the same number of steps in lockstep ({@link LockstepBarrier} after every step): what
 * a synchronous trainer whose communication cost nothing would reach, every step waiting for the slowest process.
 *
 * <p>With the server's work ({@link #measure(int[], Path, ChunkAuth, PrintStream)}), one more process runs beside
 * them in every window: the parameter server's per-step CPU work for the window's workers without a network
 * ({@link ServerStepWork}), and every worker adds its own data-plane byte work to its steps ({@link WorkerStepBytes}),
 * as a run has its workers' JVMs and the server's on this host. In lockstep the server's process meets the workers
 * at the barrier every step; running free it makes one step per {@code N} gradients the workers made. The throughput
 * counts the workers' examples; the server's process is there at every count, one worker included.
 *
 * <p>The processes start once and warm up; then every round runs one window per count, so the counts are
 * interleaved within seconds of each other and a drift of the host hits them alike (in {@link RunOrder}: up, then
 * down). Each count reports the median
 * of its rounds. All processes of a window start on one signal and run for the same time, so no process measures
 * alone at the end.
 */
final class ComputeCeiling
{
    /** Longest the start-up, data generation and warm-up of the processes may take. */
    private static final long READY_TIMEOUT_SECONDS = 600;
    /** Slack over a window for its results to arrive. */
    private static final long RESULT_SLACK_SECONDS = 60;

    private final int threads;
    private final int warmupSteps;
    private final double windowSeconds;
    private final int rounds;
    private final Path work;

    /**
     * @param threads       BLAS threads per process.
     * @param warmupSteps   steps each process runs before the first window.
     * @param windowSeconds length of one measured window.
     * @param rounds        windows per count.
     * @param work          directory for the processes' logs.
     */
    ComputeCeiling(final int threads, final int warmupSteps, final double windowSeconds, final int rounds,
        final Path work)
    {
        this.threads = threads;
        this.warmupSteps = warmupSteps;
        this.windowSeconds = windowSeconds;
        this.rounds = rounds;
        this.work = work;
    }

    /**
     * What a worker count's compute-only processes achieved, summed over the processes, median over the rounds.
     *
     * @param free     samples/s running free.
     * @param lockstep samples/s in lockstep (a {@link LockstepBarrier} after every step).
     * @param serverStepSeconds with the server's work: its process's time in one step's work in lockstep (its waits
     *                 at the barrier left out), median over the rounds; NaN without a server's process.
     */
    record Throughput(double free, double lockstep, double serverStepSeconds)
    {
        /** Without a server's process. */
        Throughput(final double free, final double lockstep)
        {
            this(free, lockstep, Double.NaN);
        }
    }

    /**
     * @param counts   the worker counts, increasing.
     * @param jobFile  the job of the largest count ({@link ScaleJob#write}): rank {@code r} walks shard {@code r}.
     * @param progress told of every round.
     * @return by count, the compute-only throughput of that many processes.
     * @throws IllegalStateException when a process fails or does not answer in time, naming its log.
     */
    Map<Integer, Throughput> measure(final int[] counts, final Path jobFile, final PrintStream progress)
        throws InterruptedException
    {
        return measure(counts, jobFile, null, progress);
    }

    /**
     * @param counts    the worker counts, increasing.
     * @param jobFile   the job of the largest count ({@link ScaleJob#write}): rank {@code r} walks shard {@code r}.
     * @param serverTag with the server's work: the data plane's chunk tag the server and the workers run over their
     *                  bytes; null for the compute-only ceiling.
     * @param progress  told of every round.
     * @return by count, the throughput of that many workers' processes (beside the server's process when given).
     * @throws IllegalStateException when a process fails or does not answer in time, naming its log.
     */
    Map<Integer, Throughput> measure(final int[] counts, final Path jobFile, final ChunkAuth serverTag,
        final PrintStream progress) throws InterruptedException
    {
        final int largest = counts[counts.length - 1];
        final boolean withServer = null != serverTag;
        final List<CeilingProcess> processes = new ArrayList<>();
        try
        {
            if (withServer)
            {
                processes.add(start(largest, 0, jobFile, work.resolve("ceiling-server-barrier"),
                    CeilingLoopCommand.Role.server, serverTag));
            }
            startReady(processes, largest, jobFile, work.resolve(withServer ? "ceiling-server-barrier" :
                "ceiling-barrier"), withServer ? CeilingLoopCommand.Role.worker : CeilingLoopCommand.Role.compute,
                serverTag);
            final Map<Integer, List<Double>> free = new LinkedHashMap<>();
            final Map<Integer, List<Double>> lockstep = new LinkedHashMap<>();
            final Map<Integer, List<Double>> serverStep = new LinkedHashMap<>();
            long base = 0;
            for (int round = 1; round <= rounds; round++)
            {
                final StringBuilder line = new StringBuilder();
                for (final int count : RunOrder.of(counts, round - 1))
                {
                    // With the server, its process is the first: barrier slot 0, the workers' from 1.
                    final int first = withServer ? 1 : 0;
                    final List<CeilingProcess> running = processes.subList(0, first + count);
                    final List<Window> alone = window(running, CeilingLoopCommand.RUN + windowSeconds + " " + base +
                        " " + count);
                    final List<Window> aloneWorkers = alone.subList(first, alone.size());
                    // Running free, the workers published counts up to base + their steps.
                    base += aloneWorkers.stream().mapToLong(Window::steps).max().orElse(0);
                    // The lockstep window takes as many steps as the slowest worker made running free.
                    final long steps = Math.max(1, aloneWorkers.stream().mapToLong(Window::steps).min().orElse(1));
                    final List<Window> together = window(running,
                        CeilingLoopCommand.LOCKSTEP + steps + " " + running.size() + " " + base);
                    base += steps;
                    final double freeTotal = alone.stream().mapToDouble(Window::samplesPerSec).sum();
                    final double lockstepTotal = together.stream().mapToDouble(Window::samplesPerSec).sum();
                    free.computeIfAbsent(count, c -> new ArrayList<>()).add(freeTotal);
                    lockstep.computeIfAbsent(count, c -> new ArrayList<>()).add(lockstepTotal);
                    line.append(String.format("  %d: %.0f / %.0f", count, freeTotal, lockstepTotal));
                    if (withServer)
                    {
                        final Window server = together.get(0);
                        serverStep.computeIfAbsent(count, c -> new ArrayList<>())
                            .add(server.computeSeconds() / Math.max(1, server.steps()));
                        line.append(String.format(" (server %.2f ms a step)", serverStep.get(count)
                            .get(serverStep.get(count).size() - 1) * 1e3));
                    }
                }
                progress.printf((withServer ? "with the server's work (" + serverTag.label() + ")" :
                    "compute only") + ", round %d/%d, samples/s free / in lockstep by processes:%s%n", round,
                    rounds, line);
            }
            final Map<Integer, Throughput> medians = new LinkedHashMap<>();
            for (final int count : counts)
            {
                medians.put(count, new Throughput(median(free.get(count)), median(lockstep.get(count)),
                    withServer ? median(serverStep.get(count)) : Double.NaN));
            }
            return medians;
        }
        finally
        {
            processes.forEach(CeilingProcess::stop);
        }
    }

    /**
     * Host-shared compute: {@code processes} compute-only processes side by side, as many as a run's JVMs on this
     * host, after their warm-up run one window of {@code steps} steps each; the first {@code workers} in lockstep (a
     * barrier of their ranks after every step, as sync workers), the others computing beside them as the run's other
     * processes load the cores (never ahead of the workers: they wait at the same barrier, which does not wait for
     * them). Uses the window length given at construction only as the patience for the results.
     *
     * @param processes the processes computing at once, at least {@code workers}.
     * @param workers   the ranks in lockstep, from 0.
     * @param steps     steps of the window.
     * @param jobFile   a job of {@code processes} workers ({@link ScaleJob#hocon}): rank {@code r} walks shard r.
     * @return the lockstep ranks' windows, in rank order.
     * @throws IllegalStateException when a process fails or does not answer in time, naming its log.
     */
    List<Window> shared(final int processes, final int workers, final long steps, final Path jobFile)
        throws InterruptedException
    {
        final Path barrier = work.resolve("shared-barrier-" + workers + "-of-" + processes);
        final List<CeilingProcess> running = new ArrayList<>();
        try
        {
            // Counts only grow: a barrier file left by an earlier measurement would let every step through.
            Files.deleteIfExists(barrier);
            startReady(running, processes, jobFile, barrier, CeilingLoopCommand.Role.compute, null);
            return List.copyOf(window(running, CeilingLoopCommand.LOCKSTEP + steps + " " + workers + " 0")
                .subList(0, workers));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("removing the old lockstep barrier " + barrier, ex);
        }
        finally
        {
            running.forEach(CeilingProcess::stop);
        }
    }

    /** Starts {@code count} processes into {@code processes} and waits until each has warmed up. */
    private void startReady(final List<CeilingProcess> processes, final int count, final Path jobFile,
        final Path barrier, final CeilingLoopCommand.Role role, final ChunkAuth tag) throws InterruptedException
    {
        for (int rank = 0; rank < count; rank++)
        {
            processes.add(start(count, rank, jobFile, barrier, role, tag));
        }
        for (final CeilingProcess process : processes)
        {
            process.await(CeilingLoopCommand.READY, READY_TIMEOUT_SECONDS);
        }
    }

    /** @return the median, the lower of the middle two for an even count (as {@link ScaleRun#median}). */
    static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(sorted.length - 1) / 2];
    }

    private List<Window> window(final List<CeilingProcess> processes, final String command) throws InterruptedException
    {
        for (final CeilingProcess process : processes)
        {
            process.send(command);
        }
        final List<Window> results = new ArrayList<>();
        for (final CeilingProcess process : processes)
        {
            final String line = process.await(CeilingLoopCommand.RESULT, (long)Math.ceil(windowSeconds) * 4 +
                RESULT_SLACK_SECONDS);
            results.add(process.window(line.substring(CeilingLoopCommand.RESULT.length())));
        }
        return results;
    }

    private CeilingProcess start(final int workers, final int rank, final Path jobFile, final Path barrier,
        final CeilingLoopCommand.Role role, final ChunkAuth tag)
    {
        final List<String> args = new ArrayList<>(JavaCommand.thisJvm(List.of()));
        args.addAll(List.of("bench", "ceiling-loop", "--config", jobFile.toString(), "--workers",
            String.valueOf(workers), "--rank", String.valueOf(rank), "--warmup-steps", String.valueOf(warmupSteps),
            "--barrier", barrier.toString(), "--role", role.name()));
        if (null != tag)
        {
            args.addAll(List.of("--auth", tag.label()));
        }
        final Path log = work.resolve("ceiling-" + role + "-" + rank + ".log");
        final ProcessBuilder builder = new ProcessBuilder(args)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        JavaCommand.blasThreads(builder.environment(), threads);
        builder.environment().put("DESCENT_LOG_FILE", log.toString());
        try
        {
            return new CeilingProcess(builder.start(), log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("starting compute-only process " + rank + " of " + workers + ": " +
                args.get(0), ex);
        }
    }
}
