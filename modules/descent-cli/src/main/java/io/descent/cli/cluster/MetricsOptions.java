package io.descent.cli.cluster;

import io.descent.cluster.metrics.MetricsServer;
import io.descent.cluster.metrics.NodeMetrics;
import io.descent.nn.error.BadInputException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@value MetricsServer#PORT_OPTION} option of a node command, as a picocli mixin:
 * {@code @Mixin MetricsOptions metricsOptions;} then {@code try (MetricsServer s = metricsOptions.start(metrics))}.
 *
 * <p>Without the option a node serves on {@value MetricsServer#DEFAULT_PORT} (what the Kubernetes probes use, one
 * node per pod); when several nodes share a host and that port is taken, the later ones serve on a free port and
 * log which. A port given explicitly must be free.
 *
 * <p>Not thread-safe: picocli fills it once before the command runs.
 */
public final class MetricsOptions
{
    @Option(names = MetricsServer.PORT_OPTION, paramLabel = "PORT",
        description = "serve /health and /metrics (Prometheus) over HTTP on this TCP port; 0 picks a free port " +
            "(default: " + MetricsServer.DEFAULT_PORT + ", or a free port when another node on this host has it)")
    Integer port;

    /** @return the TCP port asked for, 0 for a free one; {@value MetricsServer#DEFAULT_PORT} when not given. */
    public int port()
    {
        return null == port ? MetricsServer.DEFAULT_PORT : port;
    }

    /**
     * @param metrics what the node reports.
     * @return the running server.
     * @throws BadInputException if an explicitly given port is out of range or in use.
     */
    public MetricsServer start(final NodeMetrics metrics)
    {
        if (null != port)
        {
            return MetricsServer.start(port, metrics);
        }
        try
        {
            return MetricsServer.start(MetricsServer.DEFAULT_PORT, metrics);
        }
        catch (final BadInputException taken)
        {
            final MetricsServer server = MetricsServer.start(0, metrics);
            LoggerFactory.getLogger(MetricsOptions.class).info("metrics port {} is taken on this host (another node?);" +
                " serving /health and /metrics on port {}", MetricsServer.DEFAULT_PORT, server.port());
            return server;
        }
    }
}
