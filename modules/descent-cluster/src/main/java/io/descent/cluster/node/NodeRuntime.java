package io.descent.cluster.node;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.dataplane.AeronDataPlane;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.nn.error.BadInputException;
import io.descent.pki.TlsFiles;
import io.descent.transport.Transport;
import io.descent.transport.config.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One cluster node of a job in this JVM: the Aeron transport and data plane, then an Akka Cluster actor system
 * (Artery TCP, or mutual TLS with {@code descent.cluster.tls.dir}: {@link ArteryTls}; Kryo, split-brain resolver) whose guardian spawns the node's role actor and which joins the cluster
 * (the parameter server joins itself and is the seed; a worker joins the seed); it tells when the role's actor
 * stopped, also when it crashed ({@link #roleStopped()}). A worker that lost its parameter server starts a fresh actor
 * system that joins the seed again ({@link #restartActors}): the data plane and the media driver stay. Close it to
 * leave the cluster and
 * release the data plane and the media driver, in that order. If the JVM exits first (SIGTERM, SIGINT,
 * {@code System.exit}), a shutdown hook closes it the same way, so an embedded driver's directory never outlives the
 * process. {@link #close()} is thread-safe and idempotent.
 */
public final class NodeRuntime implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);
    private static final String SYSTEM = "descent";
    /** Bounds the actor system's shutdown; covers a parameter server's final checkpoint (see descent-node.conf). */
    private static final Duration TERMINATE_WAIT = Duration.ofSeconds(120);

    private final Transport transport;
    private final AeronDataPlane plane;
    private final Thread exitHook = new Thread(this::closeAtExit, "descent-node-exit");
    private volatile CompletableFuture<Void> roleStopped = new CompletableFuture<>();
    private volatile ActorSystem<RoleGuardian.Command> system;
    /** How {@link #startActors} was called, for {@link #restartActors}. */
    private volatile Start start;
    private volatile boolean closed;

    private record Start(String role, HostPort address, String seed, Config root, ClusterSettings settings)
    {
    }

    private NodeRuntime(final Transport transport, final AeronDataPlane plane)
    {
        this.transport = transport;
        this.plane = plane;
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /**
     * Starts the transport and the data plane on {@code settings.bind()}.
     *
     * @param root     configuration holding {@code descent.transport} (defaults apply).
     * @param settings cluster settings (data plane bind address and stream).
     * @return the runtime, with no actor system yet.
     * @throws BadInputException when the data-plane port is taken.
     */
    public static NodeRuntime startDataPlane(final Config root, final ClusterSettings settings)
    {
        return startDataPlane(root, settings, false);
    }

    /**
     * Starts the transport and the data plane on {@code settings.bind()}.
     *
     * @param root     configuration holding {@code descent.transport} (defaults apply).
     * @param settings cluster settings (data plane bind address and stream).
     * @param inline   true for a data plane polled by its user (a worker's compute thread) instead of a thread of
     *                 its own: see {@link AeronDataPlane}.
     * @return the runtime, with no actor system yet.
     * @throws BadInputException when the data-plane port is taken.
     */
    public static NodeRuntime startDataPlane(final Config root, final ClusterSettings settings, final boolean inline)
    {
        checkUdpPortFree(settings.bind());
        // Shared: one driver thread per process (2-core hosts run a server and workers side by side). 8m IPC terms:
        // a publication's window (half a term) holds a whole gradient of a mid-size model, so a send never waits
        // for the driver's conductor to move the limit.
        final Config transportConfig = ConfigFactory.systemProperties()
            .withFallback(ConfigFactory.parseString(
                "descent.transport.driver { threading-mode = shared, idle-max-park = 100us, ipc-term-length = 8m }"))
            .withFallback(root);
        final Transport transport = Transport.start(TransportSettings.from(transportConfig));
        try
        {
            return new NodeRuntime(transport,
                new AeronDataPlane(transport, settings.bind(), settings.streamId(), inline));
        }
        catch (final RuntimeException ex)
        {
            transport.close();
            throw ex;
        }
    }

    /** @return the data plane (valid until {@link #close()}). */
    public DataPlane plane()
    {
        return plane;
    }

    /**
     * Starts the actor system with {@code role}'s actor as the guardian's only child ({@link RoleGuardian}: stopped
     * first when the system shuts down) and joins the cluster.
     *
     * @param role     {@code ps} or {@code worker}.
     * @param bind     {@code host:port} of Artery TCP (port 0: any free port).
     * @param seed     {@code host:port} of the seed node to join, or null to join itself (the parameter server).
     * @param root     the configuration (akka settings may be overridden there).
     * @param actor    the role's actor behavior.
     * @param <T>      its message type.
     * @throws BadInputException when the Akka port is taken.
     */
    public <T> void startActors(
        final String role, final String bind, final String seed, final Config root, final Behavior<T> actor)
    {
        final HostPort address = HostPort.parse(bind, "--bind");
        if (address.port() != 0)
        {
            checkTcpPortFree(address);
        }
        final ClusterSettings settings = ClusterSettings.from(root);
        if (null != seed)
        {
            awaitReachable(HostPort.parse(seed, "--join"), settings.registrationTimeout());
            checkSeedSecurity(HostPort.parse(seed, "--join"), settings);
        }
        start = new Start(role, address, seed, root, settings);
        start(start, actor);
    }

    /**
     * Terminates this node's actor system and starts a fresh one as {@link #startActors} did (role, address, seed,
     * configuration) with {@code actor} as the role's actor, once the seed accepts connections again. For a worker
     * whose parameter server was lost: a restarted server is a new cluster (it joins itself), and a member of the old
     * one cannot join it, so the worker joins with a new actor system; its data plane and media driver stay. Not
     * concurrently with itself or {@link #startActors}; {@link #close()} may come at any time.
     *
     * @param actor  the role's new actor behavior.
     * @param within how long to wait for the seed to accept connections.
     * @param <T>    its message type.
     * @return false when the seed did not within {@code within}, or the node was closed: no actor system runs then.
     */
    public <T> boolean restartActors(final Behavior<T> actor, final Duration within)
    {
        final Start previous = start;
        final long deadline = System.nanoTime() + within.toNanos();
        terminate(system);
        if (null != previous.seed() && null != reachable(HostPort.parse(previous.seed(), "--join"), deadline))
        {
            return false;
        }
        synchronized (this)
        {
            if (closed)
            {
                return false;
            }
            roleStopped = new CompletableFuture<>();
            start(previous, actor);
            return true;
        }
    }

    private <T> void start(final Start how, final Behavior<T> actor)
    {
        final String role = how.role();
        final HostPort address = how.address();
        final String seed = how.seed();
        final Config root = how.root();
        final Config config = ConfigFactory.parseString(
            "akka.cluster.roles = [" + role + "]\n" +
            "akka.remote.artery.canonical.hostname = \"" + address.host() + "\"\n" +
            "akka.remote.artery.canonical.port = " + address.port() + "\n")
            .withFallback(how.settings().tls().map(ArteryTls::config).orElse(ConfigFactory.empty()))
            .withFallback(ConfigFactory.parseResources(NodeRuntime.class.getClassLoader(), "descent-node.conf"))
            .withFallback(root);
        final RoleGuardian.Started started = RoleGuardian.start(role, actor, SYSTEM, config);
        system = started.system();
        final CompletableFuture<Void> roleStopped = this.roleStopped;
        started.roleStopped().whenComplete((stopped, crash) ->
        {
            if (null == crash)
            {
                roleStopped.complete(null);
            }
            else
            {
                roleStopped.completeExceptionally(crash);
            }
        });
        final Cluster cluster = Cluster.get(system);
        if (null == seed)
        {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
        }
        else
        {
            final HostPort seedAddress = HostPort.parse(seed, "--join");
            cluster.manager().tell(new JoinSeedNodes(List.of(
                new Address("akka", SYSTEM, seedAddress.host(), seedAddress.port()))));
        }
        LOG.info("{} node {} joining {}; heap limit {} MiB", role, cluster.selfMember().address(),
            null == seed ? "itself" : seed, Runtime.getRuntime().maxMemory() >> 20);
        logControlPlane(how.settings());
    }

    /** Says in the log what protects the control plane: the line tests and operators look for. */
    private static void logControlPlane(final ClusterSettings settings)
    {
        if (settings.tls().isEmpty())
        {
            LOG.info("control plane: {} (plain TCP; descent.cluster.tls.dir is empty)",
                settings.controlPlane().label());
            return;
        }
        final TlsFiles files = settings.tls().get();
        final TlsFiles.Identity identity = files.check(ClusterSettings.PATH + ".tls.dir");
        LOG.info("control plane: {} ({}, {}) with the certificate of {} (names {}, valid until {}, CA {}), reread " +
            "every {}", settings.controlPlane().label(), ArteryTls.PROTOCOL, String.join(" ", ArteryTls.CIPHER_SUITES),
            files.dir(), identity.names(), identity.notAfter(), identity.ca(), ArteryTls.RELOAD);
    }

    /**
     * Asks whether the seed speaks TLS before joining it ({@link TlsProbe}): a node and a seed that disagree would
     * otherwise fail to join, again and again, until the registration timeout, with Akka's lines about reset
     * connections. Nothing is said when the seed does not answer clearly; joining then tells.
     *
     * @throws BadInputException when the seed requires TLS and this node has none, or the other way round.
     */
    private static void checkSeedSecurity(final HostPort seed, final ClusterSettings settings)
    {
        final TlsProbe.Answer answer = TlsProbe.ask(seed, settings.tls().isPresent());
        if (settings.tls().isEmpty() && answer == TlsProbe.Answer.TLS)
        {
            throw new BadInputException("the seed node " + seed + " requires mutual TLS on the control plane (it " +
                "answered a TLS handshake) and this node has none; start it with --tls-dir DIR holding ca.crt, " +
                "tls.crt and tls.key of the job's CA (descent certs create)");
        }
        if (settings.tls().isPresent() && answer == TlsProbe.Answer.NOT_TLS)
        {
            throw new BadInputException("the seed node " + seed + " does not speak TLS on the control plane (it " +
                "dropped a TLS handshake) and this node has --tls-dir " + settings.tls().get().dir() + "; every node " +
                "of a job runs with mutual TLS or none does: start the parameter server with --tls-dir too, or this " +
                "node without");
        }
        LOG.debug("seed {} answered the TLS probe: {}", seed, answer);
    }

    /**
     * @return completes with a one-line reason when this node's mutual-TLS handshakes out were refused in a way
     * retrying cannot heal (a certificate of another CA, the peer not speaking TLS): a worker then stops at once
     * instead of waiting for its registration timeout. Never completes on a node without TLS. The current actor
     * system's (see {@link #restartActors}).
     */
    public CompletionStage<String> controlPlaneRefused()
    {
        return TlsRefusals.ID.get(system.classicSystem()).fatal();
    }

    /**
     * @return completes when the role's actor has stopped: normally when it stopped itself, exceptionally with what
     * it threw when it crashed (Akka stops a failed actor). A node whose actor stopped before telling its outcome would
     * otherwise wait forever. The actor of the current actor system (see {@link #restartActors}).
     */
    public CompletionStage<Void> roleStopped()
    {
        return roleStopped;
    }

    /** @return the Akka address other nodes use as seed ({@code host:port}). */
    public String akkaAddress()
    {
        final Address address = Cluster.get(system).selfMember().address();
        return address.getHost().get() + ":" + address.getPort().get();
    }

    /**
     * Waits until no reachable member with {@code role} is in the cluster (they left after the job), at most
     * {@code timeout}, so that final messages reach them before this node goes away.
     */
    public void awaitOthersLeft(final String role, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            boolean any = false;
            final var state = Cluster.get(system).state();
            for (final akka.cluster.Member member : state.getMembers())
            {
                any |= member.hasRole(role) && !state.getUnreachable().contains(member);
            }
            if (!any)
            {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
    }

    /**
     * Lowers Akka's log level to errors: once this node's job is over, peers going away (connection aborted,
     * unreachable) is expected, not worth a warning.
     */
    public void quiet()
    {
        if (null != system)
        {
            system.classicSystem().eventStream().setLogLevel(akka.event.Logging.ErrorLevel());
        }
    }

    /**
     * Waits until the seed node accepts TCP connections (so that joining does not spin on refused connections).
     *
     * @throws BadInputException when it does not within {@code timeout}.
     */
    private void awaitReachable(final HostPort seed, final Duration timeout)
    {
        final String problem = reachable(seed, System.nanoTime() + timeout.toNanos());
        if (null != problem)
        {
            throw new BadInputException("seed node " + seed + " is not reachable within " +
                "descent.cluster.registration-timeout = " + timeout.toSeconds() + " s (" + problem + "); check " +
                "--join and that the parameter server runs");
        }
    }

    /** @return null once the seed accepts a TCP connection, else why not by {@code deadlineNs} (or the close). */
    private String reachable(final HostPort seed, final long deadlineNs)
    {
        IOException last = null;
        while (System.nanoTime() - deadlineNs < 0 && !closed)
        {
            try (java.net.Socket socket = new java.net.Socket())
            {
                socket.connect(new InetSocketAddress(seed.host(), seed.port()), 1000);
                return null;
            }
            catch (final IOException ex)
            {
                last = ex;
                java.util.concurrent.locks.LockSupport.parkNanos(250_000_000L);
            }
        }
        return closed ? "the node is closing" : null == last ? "no attempt" : last.getMessage();
    }

    /**
     * Terminates the actor system (quietly: peers going away is expected now; a parameter server stopped while
     * training writes its final checkpoint first, within 2 minutes), then closes the data plane and the
     * transport, deleting an embedded driver's directory. The first call does it; a concurrent call waits for it,
     * later calls return at once.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (Thread.currentThread() != exitHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            }
            catch (final IllegalStateException ex)
            {
                LOG.debug("the JVM is exiting; its hook finds this node closed", ex);
            }
        }
        terminate(system);
        plane.close();
        transport.close();
    }

    /**
     * Terminates {@code system} quietly (peers going away is expected now) and waits for it, at most
     * {@link #TERMINATE_WAIT} (a server's final checkpoint runs in its role's stop).
     */
    private static void terminate(final ActorSystem<RoleGuardian.Command> system)
    {
        if (null == system)
        {
            return;
        }
        system.classicSystem().eventStream().setLogLevel(akka.event.Logging.ErrorLevel());
        system.terminate();
        try
        {
            system.getWhenTerminated().toCompletableFuture().get(TERMINATE_WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (final TimeoutException | java.util.concurrent.ExecutionException ex)
        {
            LOG.warn("actor system did not terminate cleanly within {} s", TERMINATE_WAIT.toSeconds(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAtExit()
    {
        try
        {
            LOG.info("the JVM is exiting: closing the node");
            close();
            LOG.info("node closed at JVM exit");
        }
        catch (final RuntimeException ex)
        {
            LOG.error("closing the node at JVM exit failed", ex);
        }
    }

    /**
     * Fails fast when a fixed data-plane port is taken.
     *
     * @param bind {@code host:port} of the data plane; port 0 and {@code ipc} are always fine.
     * @throws BadInputException naming the option and the port.
     */
    public static void checkUdpPortFree(final String bind)
    {
        if (AeronDataPlane.isIpc(bind))
        {
            return;
        }
        final HostPort address = HostPort.parse(bind, "--aeron");
        if (address.port() == 0)
        {
            return;
        }
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address.host(), address.port())))
        {
            socket.setReuseAddress(false);
        }
        catch (final SocketException ex)
        {
            throw new BadInputException("--aeron " + bind + ": cannot bind the data plane (UDP): " + ex.getMessage() +
                "; choose a free port or 0");
        }
    }

    /**
     * Fails fast when a fixed control-plane port is taken.
     *
     * @param address {@code host:port} of Artery TCP.
     * @throws BadInputException naming the option and the port.
     */
    public static void checkTcpPortFree(final HostPort address)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        }
        catch (final IOException ex)
        {
            throw new BadInputException("--bind " + address + ": cannot bind the control plane (TCP): " +
                ex.getMessage() + "; choose a free port or 0");
        }
    }
}
