package io.descent.cluster.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.descent.cluster.SecurityStatus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /health} with 200 {@code ok} or 503 and the one-line reason from {@link NodeMetrics#health()};
 * with {@code ?format=json} (or {@code Accept: application/json}) the same status with {@code {"healthy":…,
 * "reason":…,"security":{…}}} ({@link io.descent.cluster.SecurityStatus}, null before the node set it); every other
 * path (but {@code /metrics}, served by the Prometheus handler) gets 404.
 *
 * <p>Thread-safety: stateless; called on the HTTP server's threads.
 */
final class HealthHandler implements HttpHandler
{
    static final String PATH = "/health";
    private static final String TEXT = "text/plain; charset=utf-8";

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
                respond(exchange, 404, "not found: this node serves " + PATH + " and /metrics", TEXT);
            }
            else if (!"GET".equals(method) && !"HEAD".equals(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, "method " + method + " not allowed: use GET", TEXT);
            }
            else
            {
                final Health health = metrics.health();
                final int status = health.healthy() ? 200 : 503;
                if (wantsJson(exchange))
                {
                    respond(exchange, status, json(health, metrics.security()), "application/json");
                }
                else
                {
                    respond(exchange, status, health.reason(), TEXT);
                }
            }
        }
    }

    private static boolean wantsJson(final HttpExchange exchange)
    {
        final String query = exchange.getRequestURI().getQuery();
        final String accept = exchange.getRequestHeaders().getFirst("Accept");
        return (null != query && query.contains("format=json")) ||
            (null != accept && accept.contains("application/json"));
    }

    static String json(final Health health, final SecurityStatus security)
    {
        return "{\"healthy\":" + health.healthy() + ",\"reason\":\"" + escape(health.reason()) + "\",\"security\":" +
            (null == security ? "null" : security.toJson()) + "}";
    }

    private static String escape(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('"' == c || '\\' == c)
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void respond(final HttpExchange exchange, final int status, final String line,
        final String contentType) throws IOException
    {
        final byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
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
