package io.descent.bench.soak;

import io.descent.cluster.metrics.MetricsText;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one local node's memory figures from its {@code /metrics} ({@code NodeMetrics}): one GET per sample.
 * Thread-safe.
 */
final class NodeScraper
{
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI uri;

    /** @param port the node's metrics port on this host. */
    NodeScraper(final int port)
    {
        this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /**
     * @param seconds the sample's time, seconds since the soak started.
     * @return the node's figures now, or empty when it does not answer (not up yet, or gone).
     */
    Optional<MemorySample> sample(final double seconds) throws InterruptedException
    {
        final HttpResponse<String> response;
        try
        {
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
        if (response.statusCode() != 200)
        {
            return Optional.empty();
        }
        final Map<String, Double> values = new HashMap<>();
        for (final MetricsText.Sample sample : MetricsText.parse(response.body()))
        {
            values.put(sample.name(), sample.value());
        }
        return Optional.of(new MemorySample(seconds,
            values.getOrDefault("descent_steps_total", 0.0),
            values.getOrDefault("descent_resident_memory_bytes", Double.NaN),
            values.getOrDefault("descent_resident_anonymous_memory_bytes", Double.NaN),
            values.getOrDefault("descent_heap_after_gc_bytes", Double.NaN),
            values.getOrDefault("descent_javacpp_bytes", Double.NaN),
            values.getOrDefault("descent_nd4j_allocations_total", Double.NaN),
            values.getOrDefault("descent_forced_gcs_total", Double.NaN)));
    }
}
