package io.descent.cli.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.cluster.JavaCommand;
import io.descent.cli.report.JsonReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The compute-only ceiling of each worker count: processes on this machine that each run one worker's step
 * arithmetic on its own shard of the job ({@link CeilingLoopCommand}: no server, no network, no actors), with the
 * workers' BLAS threads. For a count {@code N}, {@code N} of them run side by side over one window while the others
 * wait idle; their summed throughput is what this host gives {@code N} workers' compute at all, so its weak-scaling
 * efficiency bounds that of any data-parallel trainer here (a trainer adds communication to exactly this work).
 * Then the same processes run the same number of steps in lockstep ({@link LockstepBarrier} after every step): what
 * a synchronous trainer whose communication cost nothing would reach, every step waiting for the slowest process.
 *
 * <p>The processes start once and warm up; then every round runs one window per count, so the counts are
 * interleaved within seconds of each other and a drift of the host hits them alike. Each count reports the median
 * of its rounds. All processes of a window start on one signal and run for the same time, so no process measures
 * alone at the end.
 */
final class ComputeCeiling
{
    private static final Logger LOG = LoggerFactory.getLogger(ComputeCeiling.class);
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
     */
    record Throughput(double free, double lockstep)
    {
    }

    /** One process's result of one window. */
    private record Window(long steps, long samples, double seconds)
    {
        double samplesPerSec()
        {
            return samples / seconds;
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
        final int largest = counts[counts.length - 1];
        final Path barrier = work.resolve("ceiling-barrier");
        final List<Loop> loops = new ArrayList<>();
        try
        {
            for (int rank = 0; rank < largest; rank++)
            {
                loops.add(start(largest, rank, jobFile, barrier));
            }
            for (final Loop loop : loops)
            {
                loop.await(CeilingLoopCommand.READY, READY_TIMEOUT_SECONDS);
            }
            final Map<Integer, List<Double>> free = new LinkedHashMap<>();
            final Map<Integer, List<Double>> lockstep = new LinkedHashMap<>();
            long base = 0;
            for (int round = 1; round <= rounds; round++)
            {
                final StringBuilder line = new StringBuilder();
                for (final int count : counts)
                {
                    final List<Loop> running = loops.subList(0, count);
                    final List<Window> alone = window(running, CeilingLoopCommand.RUN + windowSeconds);
                    // The lockstep window takes as many steps as the slowest process made running free.
                    final long steps = Math.max(1, alone.stream().mapToLong(Window::steps).min().orElse(1));
                    final List<Window> together = window(running,
                        CeilingLoopCommand.LOCKSTEP + steps + " " + count + " " + base);
                    base += steps;
                    final double freeTotal = alone.stream().mapToDouble(Window::samplesPerSec).sum();
                    final double lockstepTotal = together.stream().mapToDouble(Window::samplesPerSec).sum();
                    free.computeIfAbsent(count, c -> new ArrayList<>()).add(freeTotal);
                    lockstep.computeIfAbsent(count, c -> new ArrayList<>()).add(lockstepTotal);
                    line.append(String.format("  %d: %.0f / %.0f", count, freeTotal, lockstepTotal));
                }
                progress.printf("compute only, round %d/%d, samples/s free / in lockstep by processes:%s%n", round,
                    rounds, line);
            }
            final Map<Integer, Throughput> medians = new LinkedHashMap<>();
            for (final int count : counts)
            {
                medians.put(count, new Throughput(median(free.get(count)), median(lockstep.get(count))));
            }
            return medians;
        }
        finally
        {
            loops.forEach(Loop::stop);
        }
    }

    /** @return the median, the lower of the middle two for an even count (as {@link ScaleRun#median}). */
    static double median(final List<Double> values)
    {
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[(sorted.length - 1) / 2];
    }

    private List<Window> window(final List<Loop> loops, final String command) throws InterruptedException
    {
        for (final Loop loop : loops)
        {
            loop.send(command);
        }
        final List<Window> results = new ArrayList<>();
        for (final Loop loop : loops)
        {
            final String line = loop.await(CeilingLoopCommand.RESULT, (long)Math.ceil(windowSeconds) * 4 +
                RESULT_SLACK_SECONDS);
            results.add(loop.window(line.substring(CeilingLoopCommand.RESULT.length())));
        }
        return results;
    }

    private Loop start(final int workers, final int rank, final Path jobFile, final Path barrier)
    {
        final List<String> args = new ArrayList<>(JavaCommand.thisJvm(List.of()));
        args.addAll(List.of("bench", "ceiling-loop", "--config", jobFile.toString(), "--workers",
            String.valueOf(workers), "--rank", String.valueOf(rank), "--warmup-steps", String.valueOf(warmupSteps),
            "--barrier", barrier.toString()));
        final Path log = work.resolve("ceiling-" + rank + ".log");
        final ProcessBuilder builder = new ProcessBuilder(args)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        builder.environment().put("DESCENT_LOG_FILE", log.toString());
        try
        {
            return new Loop(builder.start(), log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("starting compute-only process " + rank + " of " + workers + ": " +
                args.get(0), ex);
        }
    }

    /** One compute-only process: its lines that matter, read on a thread of their own. */
    private static final class Loop
    {
        private final Process process;
        private final Path log;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Loop(final Process process, final Path log)
        {
            this.process = process;
            this.log = log;
            final Thread reader = new Thread(this::read, "descent-ceiling-reader-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void read()
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); null != line; line = in.readLine())
                {
                    if (line.startsWith("descent-ceiling: "))
                    {
                        lines.add(line);
                    }
                }
            }
            catch (final IOException ex)
            {
                lines.add("descent-ceiling: unreadable output: " + ex.getMessage());
            }
            lines.add("descent-ceiling: exited");
        }

        String await(final String prefix, final long timeoutSeconds) throws InterruptedException
        {
            final String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (null == line || !line.startsWith(prefix))
            {
                throw new IllegalStateException("compute-only process " + process.pid() + " did not print '" +
                    prefix.strip() + "' within " + timeoutSeconds + " s (" + (null == line ? "no answer" : line) +
                    "); its log is " + log);
            }
            return line;
        }

        void send(final String command)
        {
            try
            {
                final OutputStream in = process.getOutputStream();
                in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("sending '" + command + "' to compute-only process " + process.pid() +
                    "; its log is " + log, ex);
            }
        }

        Window window(final String json)
        {
            try
            {
                final JsonNode result = JsonReports.mapper().readTree(json);
                return new Window(result.get("steps").asLong(), result.get("samples").asLong(),
                    result.get("seconds").asDouble());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("reading the result of compute-only process " + process.pid() +
                    ": " + json, ex);
            }
        }

        void stop()
        {
            try
            {
                process.getOutputStream().close();
            }
            catch (final IOException ex)
            {
                // Closing stdin only tells a waiting process to leave; it is destroyed below either way.
                LOG.debug("closing the input of compute-only process {}", process.pid(), ex);
            }
            process.destroy();
            try
            {
                if (!process.waitFor(10, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
