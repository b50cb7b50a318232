package io.descent.cluster.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /health} with 200 {@code ok} or 503 and the one-line reason from {@link NodeMetrics#health()};
 * every other path (but {@code /metrics}, served by the Prometheus handler) gets 404.
 *
 * <p>Thread-safety: stateless; called on the HTTP server's threads.
 */
final class HealthHandler implements HttpHandler
{
    static final String PATH = "/health";

    private final NodeMetrics metrics;

    HealthHandler(final NodeMetrics metrics)
    {
        this.metrics = metrics;
    }

    @Override
    public void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final String method = exchange.getRequestMethod();
            if (!PATH.equals(exchange.getRequestURI().getPath()))
            {
                respond(exchange, 404, "not found: this node serves " + PATH + " and /metrics");
            }
            else if (!"GET".equals(method) && !"HEAD".equals(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "method " + method + " not allowed: use GET");
            }
            else
            {
                final Health health = metrics.health();
                respond(exchange, health.healthy() ? 200 : 503, health.reason());
            }
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final String line) throws IOException
    {
        final byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(exchange.getRequestMethod()))
        {
            exchange.sendResponseHeaders(status, -1);
        }
        else
        {
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
