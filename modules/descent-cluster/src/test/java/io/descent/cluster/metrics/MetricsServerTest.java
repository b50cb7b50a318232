package io.descent.cluster.metrics;

import io.descent.cluster.SecurityStatus;
import io.descent.nn.error.BadInputException;
import io.descent.train.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

import static io.descent.cluster.metrics.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest
{
    private static final String[] WORKER_3 = { "role", "worker", "rank", "3" };
    private static final String[] PS = { "role", "ps" };

    private MetricsServer server;

    @AfterEach
    void close()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldServeStepTrafficAndThroughputOfAWorkerLabelledByRoleAndRank() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(3);
        server = MetricsServer.start(0, metrics);
        metrics.onStep(0.5, 0.125, 256);
        metrics.onStep(0.25, 0.125, 128);
        metrics.onBytes(1000, 4000);
        metrics.onBytes(24, 96);

        final HttpResponse<String> response = Scrape.get(server.port(), "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
            response.headers().toString());
        final List<Scrape.Sample> samples = Scrape.parse(response.body());

        assertEquals(2.0, sample(samples, "descent_steps_total", WORKER_3));
        assertEquals(384.0, sample(samples, "descent_examples_total", WORKER_3));
        assertEquals(512.0, sample(samples, "descent_samples_per_second", WORKER_3));
        assertEquals(1024.0, sample(samples, "descent_received_bytes_total", WORKER_3));
        assertEquals(4096.0, sample(samples, "descent_sent_bytes_total", WORKER_3));
        assertEquals(2.0, sample(samples, "descent_step_seconds_count", WORKER_3));
        assertEquals(0.75, sample(samples, "descent_step_seconds_sum", WORKER_3));
        assertEquals(1.0, sample(samples, "descent_step_seconds_bucket", "role", "worker", "rank", "3", "le",
            "0.25"));
        assertEquals(2.0, sample(samples, "descent_step_seconds_bucket", "role", "worker", "rank", "3", "le",
            "0.5"));
        assertEquals(0.25, sample(samples, "descent_gradient_wait_seconds_sum", WORKER_3));
        assertEquals(1.0, sample(samples, "descent_healthy", WORKER_3));
    }

    @Test
    void shouldServeLiveWorkersEpochAndCheckpointAgeOfTheParameterServer() throws Exception
    {
        final AtomicLong now = new AtomicLong(1_700_000_000_000L);
        final NodeMetrics metrics = NodeMetrics.parameterServer(() -> Instant.ofEpochMilli(now.get()));
        server = MetricsServer.start(0, metrics);
        metrics.setLiveWorkers(4);
        metrics.onEpoch(2, 0.5, new Metrics(0.625, 0.875, Double.NaN, 1000));
        metrics.onCheckpoint(now.get());
        now.addAndGet(12_500);

        final List<Scrape.Sample> samples = Scrape.metrics(server.port());
        assertEquals(4.0, sample(samples, "descent_live_workers", PS));
        assertEquals(2.0, sample(samples, "descent_epoch", PS));
        assertEquals(0.5, sample(samples, "descent_train_loss", PS));
        assertEquals(0.625, sample(samples, "descent_validation_loss", PS));
        assertEquals(0.875, sample(samples, "descent_validation_accuracy", PS));
        assertFalse(value(samples, "descent_validation_rmse", PS).isPresent(), "no RMSE for a classifier");
        assertEquals(12.5, sample(samples, "descent_checkpoint_age_seconds", PS));
        assertEquals(0.0, sample(samples, "descent_steps_total", PS));
    }

    @Test
    void shouldLeaveOutWhatWasNotReportedYet() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(0);
        server = MetricsServer.start(0, metrics);

        final List<Scrape.Sample> samples = Scrape.metrics(server.port());
        for (final String name : new String[]{ "descent_samples_per_second", "descent_live_workers", "descent_epoch",
            "descent_train_loss", "descent_validation_accuracy", "descent_checkpoint_age_seconds" })
        {
            assertFalse(value(samples, name, "role", "worker", "rank", "0").isPresent(), name);
        }
    }

    @Test
    void shouldReportRmseOfARegressionAfterAnEpoch() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        server = MetricsServer.start(0, metrics);
        metrics.onEpoch(1, 0.25, 0.125, Double.NaN, 0.375);

        final List<Scrape.Sample> samples = Scrape.metrics(server.port());
        assertEquals(0.375, sample(samples, "descent_validation_rmse", PS));
        assertFalse(value(samples, "descent_validation_accuracy", PS).isPresent());
    }

    @Test
    void shouldAnswerHealthOkThenServiceUnavailableWithTheReason() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(1);
        server = MetricsServer.start(0, metrics);

        final HttpResponse<String> ok = Scrape.get(server.port(), "/health");
        assertEquals(200, ok.statusCode());
        assertEquals("ok", ok.body().strip());

        metrics.setHealthy(false, "lost the parameter server at 10.0.0.1:2551\nafter 3 retries");
        final HttpResponse<String> down = Scrape.get(server.port(), "/health");
        assertEquals(503, down.statusCode());
        assertEquals("lost the parameter server at 10.0.0.1:2551 after 3 retries\n", down.body());
        assertEquals(0.0, sample(Scrape.metrics(server.port()), "descent_healthy", "role", "worker", "rank", "1"));

        metrics.setHealthy(true, null);
        assertEquals(200, Scrape.get(server.port(), "/health").statusCode());
    }

    @Test
    void shouldSayWhatProtectsTheNodeInJsonHealthAndAnInfoGauge() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(3);
        server = MetricsServer.start(0, metrics);
        assertEquals("{\"healthy\":true,\"reason\":\"ok\",\"security\":null}",
            Scrape.get(server.port(), "/health?format=json").body().strip(), "before the node set it");
        assertTrue(Scrape.value(Scrape.metrics(server.port()), "descent_security_info", "role", "worker", "rank", "3",
            "control_plane", "mutual-tls", "data_plane", "aes-gmac", "cluster_key", "true").isEmpty());

        metrics.setSecurity(new SecurityStatus("mutual-tls", "aes-gmac", true));
        metrics.setHealthy(false, "lost the \"parameter\" server");
        final HttpResponse<String> json = Scrape.get(server.port(), "/health?format=json");
        assertEquals(503, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"healthy\":false,\"reason\":\"lost the \\\"parameter\\\" server\",\"security\":" +
            "{\"control_plane\":\"mutual-tls\",\"data_plane\":\"aes-gmac\",\"cluster_key\":true}}", json.body().strip());
        assertEquals("lost the \"parameter\" server", Scrape.get(server.port(), "/health").body().strip(),
            "the plain answer stays one line for probes");
        assertEquals(1.0, Scrape.value(Scrape.metrics(server.port()), "descent_security_info", "role", "worker", "rank",
            "3", "control_plane", "mutual-tls", "data_plane", "aes-gmac", "cluster_key", "true").orElseThrow());
    }

    @Test
    void shouldAnswerNotFoundForOtherPaths() throws Exception
    {
        server = MetricsServer.start(0, NodeMetrics.parameterServer());

        assertEquals(404, Scrape.get(server.port(), "/").statusCode());
        assertEquals(404, Scrape.get(server.port(), "/healthz").statusCode());
    }

    @Test
    void shouldFailWithBadInputNamingPortAndOptionWhenPortIsInUse() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0))
        {
            final int port = taken.getLocalPort();
            final BadInputException ex = assertThrows(BadInputException.class,
                () -> MetricsServer.start(port, NodeMetrics.parameterServer()));

            assertTrue(ex.getMessage().contains("port " + port + " is already in use"), ex.getMessage());
            assertTrue(ex.getMessage().contains(MetricsServer.PORT_OPTION), ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
        }
    }

    @Test
    void shouldRejectAPortOutOfRange()
    {
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> MetricsServer.start(65536, NodeMetrics.parameterServer()));

        assertTrue(ex.getMessage().startsWith("--metrics-port 65536 "), ex.getMessage());
    }

    @Test
    void shouldFreeThePortOnClose() throws Exception
    {
        final MetricsServer first = MetricsServer.start(0, NodeMetrics.parameterServer());
        final int port = first.port();
        assertEquals(200, Scrape.get(port, "/health").statusCode());

        first.close();
        first.close();

        assertThrows(IOException.class, () -> Scrape.get(port, "/health"));
        server = MetricsServer.start(port, NodeMetrics.worker(2));
        assertEquals(port, server.port());
        assertEquals(200, Scrape.get(port, "/health").statusCode());
    }

    private static double sample(final List<Scrape.Sample> samples, final String name, final String... labels)
    {
        final OptionalDouble value = value(samples, name, labels);
        assertTrue(value.isPresent(), () -> "no sample " + name + " " + String.join(",", labels) + " in " + samples);
        return value.getAsDouble();
    }
}
