package io.descent.cluster.local;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.nn.error.BadInputException;
import io.descent.transport.driver.DriverDirectories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code descent train ... --workers N}: a real cluster on this machine. Starts the parameter server and N workers
 * as separate JVMs (this JVM's java, class path and flags; Akka over loopback TCP), lets the server's progress
 * and the children's errors through to this terminal, and stops every child at the end, on failure and when this JVM
 * is told to exit (SIGTERM, Ctrl-C), then closes the shared media driver, leaving nothing of the job in its base
 * directory (by default /dev/shm); children also exit by themselves if this process dies. Once this JVM is exiting,
 * what the children print on stderr goes to this process's log ({@link StderrRelay}). The server writes the report.
 *
 * <p>Every local job gets a fresh random cluster key, handed to the children in {@code DESCENT_CLUSTER_KEY} (their
 * environment, not their command line), so that no other process on this host can register as one of its workers.
 *
 * <p>Control plane: mutual TLS by default: a throw-away CA per job ({@link LocalTls}: in memory; the nodes'
 * certificates and keys in a private temporary directory, deleted at the end), each child started with its own
 * {@code --tls-dir}; {@code -Ddescent.local.control-plane=plain} runs plain TCP instead.
 *
 * <p>Data plane: by default one {@link SharedMediaDriver} in this JVM and Aeron IPC between the children (no driver
 * threads in the children, no kernel on the path); {@code -Ddescent.local.data-plane=udp} gives each child its own
 * embedded driver and loopback UDP instead, as separate hosts would use.
 */
public final class LocalCluster
{
    private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);
    private static final String DATA_PLANE_PROPERTY = "descent.local.data-plane";
    private static final String CONTROL_PLANE_PROPERTY = "descent.local.control-plane";
    /**
     * How long the children get to stop by themselves (leave the cluster, close their transport; measured 2 to 4 s
     * on a busy 2-core host, all three in parallel) before they are killed.
     */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final List<String> jobArgs;
    private final int workers;
    private final int servers;
    private final int threads;
    private final Path report;
    private final Consumer<Node> started;
    private final String clusterKey = ClusterKey.randomText();
    // Guarded by this: the main thread starts, a shutdown hook may stop at any moment.
    private final List<Process> children = new ArrayList<>();
    private final List<StderrRelay> relays = new ArrayList<>();
    private SharedMediaDriver driver;
    private LocalTls tls;
    private boolean stopped;
    private Path driverBaseDir;
    private volatile boolean exiting;

    /**
     * A child process as it was started.
     *
     * @param name        its role: {@code ps}, {@code worker-0}, {@code worker-1}, …
     * @param pid         its process id.
     * @param metricsPort the TCP port it serves {@code /metrics} and {@code /health} on (once it is up).
     * @param log         its log file.
     */
    public record Node(String name, long pid, int metricsPort, String log)
    {
    }

    /**
     * @param jobArgs the job as command-line arguments ({@code PRESET} or {@code --config FILE}, {@code --set}s, {@code --seed}).
     * @param workers number of worker processes, ≥ 1.
     * @param threads BLAS threads per process, ≥ 1.
     * @param report  report file, or null.
     */
    public LocalCluster(final List<String> jobArgs, final int workers, final int threads, final Path report)
    {
        this(jobArgs, workers, threads, report, null);
    }

    /**
     * A cluster whose children are watched from outside, e.g. scraped for their memory.
     *
     * @param jobArgs the job as command-line arguments ({@code PRESET} or {@code --config FILE}, {@code --set}s, {@code --seed}).
     * @param workers number of worker processes, ≥ 1.
     * @param threads BLAS threads per process, ≥ 1.
     * @param report  report file, or null.
     * @param started told of each child as it starts, on the thread running {@link #run()}; each child then gets a
     *                free metrics port chosen here (instead of picking its own), so that the port is known. Null for
     *                none.
     */
    public LocalCluster(
        final List<String> jobArgs, final int workers, final int threads, final Path report,
        final Consumer<Node> started)
    {
        this(jobArgs, workers, 1, threads, report, started);
    }

    /**
     * A cluster with {@code servers} parameter-server shards, each its own process: {@code ps} (shard 0, the
     * coordinator and seed) and {@code ps-shard-1} … joining it.
     *
     * @param jobArgs the job as command-line arguments.
     * @param workers number of worker processes, ≥ 1.
     * @param servers number of parameter-server shards, 1..64.
     * @param threads BLAS threads per process, ≥ 1.
     * @param report  report file, or null.
     * @param started told of each child as it starts, or null.
     */
    public LocalCluster(
        final List<String> jobArgs, final int workers, final int servers, final int threads, final Path report,
        final Consumer<Node> started)
    {
        if (servers < 1 || servers > ClusterSettings.MAX_SERVERS)
        {
            throw new BadInputException("--servers must be within 1.." + ClusterSettings.MAX_SERVERS + ", got " + servers);
        }
        this.servers = servers;
        if (workers < 1 || threads < 1)
        {
            throw new BadInputException("--workers and --threads must be at least 1, got " + workers + " and " +
                threads);
        }
        this.jobArgs = List.copyOf(jobArgs);
        this.workers = workers;
        this.threads = threads;
        this.report = report;
        this.started = started;
    }

    /**
     * Runs the job to the end. The server reports how the job ended (a diverged step, say, as one line on this
     * terminal); a worker the server stopped says nothing more ({@code --quiet-job-end}).
     *
     * @return the parameter server's exit code (0 success, 2 bad input, 1 failure), or 2 when a worker rejected its
     * input while the server was still waiting for it.
     */
    public int run() throws InterruptedException
    {
        final Thread cleanup = new Thread(() ->
        {
            exiting = true;
            stop();
        }, "descent-local-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try
        {
            startDriver(useIpc());
            startTls(useTls());
            final String seed = "127.0.0.1:" + freePort();
            final List<String> ps = new ArrayList<>(List.of("ps", "--bind", seed, "--workers", String.valueOf(workers),
                "--mode", "local"));
            if (servers > 1)
            {
                ps.addAll(List.of("--shards", String.valueOf(servers)));
            }
            if (null != report)
            {
                ps.addAll(List.of("--report", report.toAbsolutePath().toString()));
            }
            final Process server = start(ps, "ps", true);
            // A worker that rejects its input (exit 2) would leave the server waiting for its registration timeout.
            final CompletableFuture<Integer> badWorker = new CompletableFuture<>();
            for (int shard = 1; shard < servers; shard++)
            {
                final List<String> follower = new ArrayList<>(List.of("ps", "--shard", String.valueOf(shard),
                    "--shards", String.valueOf(servers), "--join", seed, "--bind", "127.0.0.1:" + freePort(),
                    "--workers", String.valueOf(workers)));
                start(follower, "ps-shard-" + shard, false).onExit().thenAccept(node ->
                {
                    if (node.exitValue() == BadInputException.EXIT_CODE)
                    {
                        badWorker.complete(BadInputException.EXIT_CODE);
                    }
                });
            }
            for (int rank = 0; rank < workers; rank++)
            {
                final List<String> command = new ArrayList<>(List.of("worker", "--join", seed, "--quiet-job-end"));
                start(command, "worker-" + rank, false)
                    .onExit()
                    .thenAccept(worker ->
                    {
                        if (worker.exitValue() == BadInputException.EXIT_CODE)
                        {
                            badWorker.complete(BadInputException.EXIT_CODE);
                        }
                    });
            }
            final int code = (Integer)CompletableFuture.anyOf(server.onExit().thenApply(Process::exitValue), badWorker)
                .join();
            awaitWorkers(code == 0 ? 30 : 5);
            // The server's code is the job's: a worker it stopped on bad input may end first.
            return server.isAlive() ? code : server.exitValue();
        }
        finally
        {
            stop();
            try
            {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            catch (final IllegalStateException ex)
            {
                LOG.debug("already shutting down", ex);
            }
        }
    }

    private synchronized void startDriver(final boolean shared)
    {
        driverBaseDir = SharedMediaDriver.baseDir();
        if (shared && !stopped)
        {
            driver = SharedMediaDriver.start();
        }
    }

    private synchronized void startTls(final boolean on)
    {
        if (on && !stopped)
        {
            final List<String> nodes = new ArrayList<>(List.of("ps"));
            for (int shard = 1; shard < servers; shard++)
            {
                nodes.add("ps-shard-" + shard);
            }
            for (int rank = 0; rank < workers; rank++)
            {
                nodes.add("worker-" + rank);
            }
            tls = LocalTls.create(nodes);
        }
    }

    /**
     * Stops every child (SIGTERM, then SIGKILL after {@link #STOP_GRACE}), passes on the last lines of their standard
     * error, removes what a child killed before it could clean up left in the drivers' base directory, then closes
     * the shared driver (its clients have exited); {@link #run()} then returns the server's exit code. For the
     * shutdown hook, {@link #run()}'s end, and a caller that ends the job itself. Once: a second caller waits for the
     * first and returns. Thread-safe.
     */
    public synchronized void stop()
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        stopChildren();
        awaitRelays();
        if (null != driverBaseDir)
        {
            for (final Process child : children)
            {
                DriverDirectories.removeOfEnded(driverBaseDir, child.pid());
            }
        }
        if (null != driver)
        {
            driver.close();
        }
        if (null != tls)
        {
            tls.close();
        }
    }

    private synchronized Process start(final List<String> command, final String name, final boolean server)
    {
        if (stopped)
        {
            throw new IllegalStateException("not starting the " + name + " process: the launcher is exiting");
        }
        final List<String> args = new ArrayList<>(JavaCommand.thisJvm(null == driver ? List.of() :
            driver.childFlags()));
        args.addAll(command);
        // Every node on this host serves /metrics: a free port each, not the shared default; chosen here when
        // someone watches the nodes, else by the node (0).
        final int metricsPort = null == started ? 0 : freePort();
        args.addAll(List.of("--metrics-port", String.valueOf(metricsPort)));
        if (null != driver)
        {
            args.addAll(List.of("--aeron", "ipc"));
        }
        if (null != tls)
        {
            args.addAll(List.of("--tls-dir", tls.dirOf(name).toString()));
        }
        args.add("--exit-with-parent");
        args.addAll(jobArgs);
        final ProcessBuilder builder = new ProcessBuilder(args)
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(server ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        JavaCommand.blasThreads(builder.environment(), threads);
        builder.environment().put("DESCENT_LOG_FILE", logFile(name));
        builder.environment().put(ClusterKey.ENV, clusterKey);
        try
        {
            final Process process = builder.start();
            children.add(process);
            relays.add(StderrRelay.start(name, process.getErrorStream(), System.err, () -> exiting));
            LOG.info("started {} as pid {}: {}", name, process.pid(), String.join(" ", command));
            if (null != started)
            {
                started.accept(new Node(name, process.pid(), metricsPort, logFile(name)));
            }
            return process;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("starting the " + name + " process: " + args.get(0), ex);
        }
    }

    private static boolean useIpc()
    {
        final String medium = System.getProperty(DATA_PLANE_PROPERTY, "ipc").trim();
        if (!medium.equals("ipc") && !medium.equals("udp"))
        {
            throw new BadInputException("-D" + DATA_PLANE_PROPERTY + " = '" + medium + "' must be ipc or udp");
        }
        return medium.equals("ipc");
    }

    private static boolean useTls()
    {
        final String mode = System.getProperty(CONTROL_PLANE_PROPERTY, "mutual-tls").trim();
        if (!mode.equals("mutual-tls") && !mode.equals("plain"))
        {
            throw new BadInputException("-D" + CONTROL_PLANE_PROPERTY + " = '" + mode + "' must be mutual-tls or plain");
        }
        return mode.equals("mutual-tls");
    }

    private void awaitWorkers(final int seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (final Process child : snapshot())
        {
            final long left = deadline - System.nanoTime();
            if (left > 0)
            {
                child.waitFor(left, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** SIGTERM to every child at once, then SIGKILL to those still running after {@link #STOP_GRACE}. */
    private void stopChildren()
    {
        final List<Process> all = List.copyOf(children);
        all.stream().filter(Process::isAlive).forEach(Process::destroy);
        final long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (final Process child : all)
        {
            try
            {
                if (!child.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
                {
                    LOG.info("pid {} still runs {} s after SIGTERM: killing it", child.pid(), STOP_GRACE.toSeconds());
                    child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitRelays()
    {
        try
        {
            for (final StderrRelay relay : relays)
            {
                relay.await(Duration.ofSeconds(5));
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized List<Process> snapshot()
    {
        return List.copyOf(children);
    }

    private static String logFile(final String name)
    {
        final String configured = System.getenv("DESCENT_LOG_FILE");
        final String base = null != configured ? configured : System.getProperty("java.io.tmpdir") + "/descent.log";
        final String stem = base.endsWith(".log") ? base.substring(0, base.length() - 4) : base;
        return stem + "-" + name + ".log";
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("finding a free loopback port for a node", ex);
        }
    }
}
