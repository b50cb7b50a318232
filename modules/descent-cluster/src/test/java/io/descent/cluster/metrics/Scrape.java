package io.descent.cluster.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** A scrape of a {@link MetricsServer}: GETs a path and parses Prometheus text-format samples. Test support. */
public final class Scrape
{
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    private Scrape()
    {
    }

    /**
     * @param port the server's port.
     * @param path e.g. {@code /health}.
     * @return the response, body as a string.
     */
    public static HttpResponse<String> get(final int port, final String path) throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).GET().build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** @return the samples of {@code GET /metrics} on the port. */
    public static List<Sample> metrics(final int port) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = get(port, "/metrics");
        if (200 != response.statusCode())
        {
            throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /**
     * @param samples    a scrape.
     * @param name       the sample name, e.g. {@code descent_steps_total}.
     * @param labelPairs the sample's labels, exactly: name, value, name, value, ...
     * @return the sample's value, or empty when there is no such sample.
     */
    public static OptionalDouble value(final List<Sample> samples, final String name, final String... labelPairs)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2)
        {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        for (final Sample sample : samples)
        {
            if (sample.name().equals(name) && sample.labels().equals(labels))
            {
                return OptionalDouble.of(sample.value());
            }
        }
        return OptionalDouble.empty();
    }

    /** @return the samples of a text-format body (comments skipped), parsed by {@link MetricsText}. */
    public static List<Sample> parse(final String body)
    {
        final List<Sample> samples = new ArrayList<>();
        for (final MetricsText.Sample sample : MetricsText.parse(body))
        {
            samples.add(new Sample(sample.name(), sample.labels(), sample.value()));
        }
        return samples;
    }
}
