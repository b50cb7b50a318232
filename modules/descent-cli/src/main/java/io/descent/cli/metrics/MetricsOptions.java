package io.descent.cli.metrics;

import picocli.CommandLine.Option;

/**
 * The {@value MetricsServer#PORT_OPTION} option of a node command, as a picocli mixin:
 * {@code @Mixin MetricsOptions metricsOptions;} then {@code try (MetricsServer s = metricsOptions.start(metrics))}.
 *
 * <p>Not thread-safe: picocli fills it once before the command runs.
 */
public final class MetricsOptions
{
    @Option(names = MetricsServer.PORT_OPTION, paramLabel = "PORT", defaultValue = "" + MetricsServer.DEFAULT_PORT,
        description = "serve /health and /metrics (Prometheus) over HTTP on this TCP port; 0 picks a free port " +
            "(default: ${DEFAULT-VALUE})")
    int port = MetricsServer.DEFAULT_PORT;

    /** @return the TCP port to serve on, 0 for a free one. */
    public int port()
    {
        return port;
    }

    /**
     * @param metrics what the node reports.
     * @return the running server on {@link #port()}.
     * @throws io.descent.nn.BadInputException if the port is out of range or in use.
     */
    public MetricsServer start(final NodeMetrics metrics)
    {
        return MetricsServer.start(port, metrics);
    }
}
