package io.descent.cluster.metrics;

import io.descent.nn.error.BadInputException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP endpoint of one node: {@code GET /metrics} (Prometheus text format, from a {@link NodeMetrics}) and
 * {@code GET /health} (200 {@code ok} or 503 and a one-line reason), on all interfaces.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start(MetricsServer.DEFAULT_PORT, metrics))
 * {
 *     ... // run the node; server.port() is the bound port (useful with port 0)
 * }
 * }</pre>
 *
 * <p>Requests are served on the Prometheus exporter's own daemon threads, so a scrape never runs on (or blocks) the
 * node's threads, and a server left open does not keep the JVM alive.
 *
 * <p>Thread-safety: {@link #port()} and {@link #close()} may be called from any thread; close is idempotent.
 */
public final class MetricsServer implements AutoCloseable
{
    /** The port the Kubernetes manifests probe and scrape ({@code k8s/base}). */
    public static final int DEFAULT_PORT = 9404;

    /** The command-line option that sets the port, named in errors. */
    public static final String PORT_OPTION = "--metrics-port";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HTTPServer server;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(final HTTPServer server)
    {
        this.server = server;
        this.port = server.getPort();
    }

    /**
     * Binds the port on all interfaces and starts serving.
     *
     * @param port    TCP port 1..65535, or 0 for a free one (see {@link #port()}).
     * @param metrics what {@code /metrics} and {@code /health} report.
     * @return the running server; close it to free the port.
     * @throws BadInputException    if the port is out of range or already in use (one line naming the port and
     *                              {@value #PORT_OPTION}).
     * @throws UncheckedIOException if the server cannot start for another reason.
     */
    public static MetricsServer start(final int port, final NodeMetrics metrics)
    {
        Objects.requireNonNull(metrics, "metrics");
        if (port < 0 || port > 65535)
        {
            throw new BadInputException(PORT_OPTION + " " + port + " is not a TCP port: use 1..65535, or 0 for a " +
                "free port");
        }
        final HTTPServer server;
        try
        {
            server = HTTPServer.builder()
                .port(port)
                .registry(metrics.registry())
                .registerHealthHandler(false)
                .defaultHandler(new HealthHandler(metrics))
                .buildAndStart();
        }
        catch (final BindException ex)
        {
            throw new BadInputException("metrics port " + port + " is already in use: stop what holds it or choose " +
                "another with " + PORT_OPTION + " PORT (0 picks a free one)", ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start the /metrics and /health HTTP server on port " + port, ex);
        }
        final MetricsServer started = new MetricsServer(server);
        LOG.info("serving /health and /metrics on port {}", started.port);
        return started;
    }

    /** @return the bound TCP port (the one picked when started with 0). */
    public int port()
    {
        return port;
    }

    /** Stops serving and frees the port; requests in flight are cut off. Idempotent. */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            server.close();
        }
    }
}
