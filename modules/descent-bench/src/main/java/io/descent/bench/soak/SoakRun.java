package io.descent.bench.soak;

import io.descent.cluster.local.LocalCluster;
import io.descent.nn.error.BadInputException;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One soak: a job on a {@link LocalCluster} (a parameter server and workers as separate JVMs) for a fixed time, every
 * node's {@code /metrics} sampled at a fixed interval; at the end the cluster is stopped (the job does not finish by
 * itself: it is given more epochs than the time allows). Runs on the calling thread, the cluster on its own.
 */
final class SoakRun
{
    private final List<String> jobArgs;
    private final int workers;
    private final int threads;
    private final double seconds;
    private final double intervalSeconds;
    private final PrintStream out;

    /**
     * @param jobArgs         the job as {@code descent} arguments (its epochs already set beyond the soak's end).
     * @param workers         worker processes.
     * @param threads         BLAS threads per process.
     * @param seconds         how long the job runs.
     * @param intervalSeconds time between two samples of every node.
     * @param out             where progress goes (a line a minute).
     */
    SoakRun(final List<String> jobArgs, final int workers, final int threads, final double seconds,
        final double intervalSeconds, final PrintStream out)
    {
        this.jobArgs = List.copyOf(jobArgs);
        this.workers = workers;
        this.threads = threads;
        this.seconds = seconds;
        this.intervalSeconds = intervalSeconds;
        this.out = out;
    }

    /**
     * @return every node's samples, the server first.
     * @throws BadInputException     when a node refused the job (exit 2).
     * @throws IllegalStateException when the job ended before the soak's time was up.
     */
    List<NodeTimeline> run() throws InterruptedException
    {
        final List<NodeTimeline> nodes = new CopyOnWriteArrayList<>();
        final LocalCluster cluster = new LocalCluster(jobArgs, workers, threads, null,
            node -> nodes.add(new NodeTimeline(node)));
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final Thread runner = new Thread(() ->
        {
            try
            {
                exit.complete(cluster.run());
            }
            catch (final InterruptedException | RuntimeException ex)
            {
                exit.completeExceptionally(ex);
            }
        }, "descent-soak-cluster");
        final long start = System.nanoTime();
        runner.start();
        try
        {
            sampleUntilTheEnd(nodes, exit, start);
        }
        finally
        {
            cluster.stop();
            runner.join();
        }
        return List.copyOf(nodes);
    }

    private void sampleUntilTheEnd(final List<NodeTimeline> nodes, final CompletableFuture<Integer> exit,
        final long start) throws InterruptedException
    {
        final long end = start + (long)(seconds * 1e9);
        long nextSample = start;
        long nextProgress = start + TimeUnit.MINUTES.toNanos(1);
        while (nextSample - end <= 0)
        {
            awaitOrFail(exit, nextSample, start, nodes.stream().map(NodeTimeline::node).toList());
            final double at = (System.nanoTime() - start) / 1e9;
            for (final NodeTimeline node : nodes)
            {
                node.sample(at);
            }
            if (System.nanoTime() - nextProgress >= 0)
            {
                out.printf("soak: %.0f of %.0f minutes%n", at / 60.0, seconds / 60.0);
                nextProgress += TimeUnit.MINUTES.toNanos(1);
            }
            nextSample += (long)(intervalSeconds * 1e9);
        }
    }

    /** Waits until {@code until}, failing if the job ends first. */
    private void awaitOrFail(final CompletableFuture<Integer> exit, final long until, final long start,
        final List<LocalCluster.Node> nodes)
        throws InterruptedException
    {
        final Integer code;
        try
        {
            final long wait = until - System.nanoTime();
            code = wait > 0 ? exit.get(wait, TimeUnit.NANOSECONDS) : exit.getNow(null);
        }
        catch (final TimeoutException ex)
        {
            return;
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("running the soak's local cluster", ex.getCause());
        }
        if (null == code)
        {
            return;
        }
        if (code == BadInputException.EXIT_CODE)
        {
            throw new BadInputException("the job's parameter server refused it (exit 2, see its message above); " +
                "fix the job and run the soak again");
        }
        throw new IllegalStateException(String.format("the job ended after %.0f s with exit code %d, before the " +
            "soak's %.1f minutes were up; the nodes' logs: %s", (System.nanoTime() - start) / 1e9, code,
            seconds / 60.0, String.join(", ", nodes.stream().map(LocalCluster.Node::log).toList())));
    }
}
