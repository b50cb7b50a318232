package io.descent.cluster.metrics;

import io.descent.cluster.dataplane.TransportStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.descent.cluster.metrics.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a node's {@code /health} and {@code /metrics} say about its progress and its data plane, over real HTTP, on a
 * settable clock: no step for longer than its deadline is 503 "stalled" while progress is expected, and only then.
 */
class NodeHealthTest
{
    private static final String RULE = "descent.cluster.step-timeout 6 s + send-timeout 2 s + stall-margin 2 s";
    private static final String[] PS = { "role", "ps" };

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final NodeMetrics metrics = NodeMetrics.parameterServer(InstantSource.system(), nanos::get);
    private final MetricsServer server = MetricsServer.start(0, metrics);

    @AfterEach
    void close()
    {
        server.close();
    }

    @Test
    void shouldStayHealthyWhileIdleWhenNoProgressIsExpected() throws Exception
    {
        advance(Duration.ofHours(3));
        assertEquals(200, health().statusCode(), "waiting for workers before training is not a stall");
    }

    @Test
    void shouldAnswerStalledOnceNoStepCameWithinTheDeadlineAndRecoverWithTheNextStep() throws Exception
    {
        metrics.expectProgress(Duration.ofSeconds(10), RULE);
        advance(Duration.ofSeconds(9));
        metrics.onStep(0.5, 0.1, 64);
        advance(Duration.ofSeconds(10));
        assertEquals(200, health().statusCode(), "10 s since the last step is within the deadline");

        advance(Duration.ofMillis(1500));
        final HttpResponse<String> stalled = health();
        assertEquals(503, stalled.statusCode());
        assertEquals("stalled: no step completed for 11 s, more than the 10 s allowed (" + RULE + "); the node looks " +
            "hung\n", stalled.body());
        assertEquals(0.0, value(Scrape.metrics(server.port()), "descent_healthy", PS).orElseThrow());

        metrics.onStep(0.5, 0.1, 64);
        assertEquals(200, health().statusCode());
        assertEquals(1.0, value(Scrape.metrics(server.port()), "descent_healthy", PS).orElseThrow());
    }

    @Test
    void shouldCountTheDeadlineFromWhenProgressIsFirstExpected() throws Exception
    {
        advance(Duration.ofMinutes(5));
        metrics.expectProgress(Duration.ofSeconds(10), RULE);
        advance(Duration.ofSeconds(10));
        assertEquals(200, health().statusCode());
        advance(Duration.ofSeconds(1));
        assertEquals(503, health().statusCode());
    }

    @Test
    void shouldStopJudgingProgressWhenTheNodeIsDoneAndLetAGivenReasonWin() throws Exception
    {
        metrics.expectProgress(Duration.ofSeconds(10), RULE);
        advance(Duration.ofSeconds(30));
        metrics.setHealthy(false, "job failed: all workers lost at step 7");
        assertEquals("job failed: all workers lost at step 7\n", health().body());

        metrics.setHealthy(true, null);
        assertEquals(503, health().statusCode(), "still stalled");
        metrics.stopExpectingProgress();
        assertEquals(200, health().statusCode(), "the job is over: no step is due");
        assertThrows(IllegalArgumentException.class, () -> metrics.expectProgress(Duration.ZERO, RULE));
    }

    @Test
    void shouldExportTheDataPlaneDropCountersReadAtEveryScrape() throws Exception
    {
        final AtomicReference<TransportStats> stats = new AtomicReference<>(TransportStats.NONE);
        final NodeMetrics worker = NodeMetrics.worker(4);
        try (MetricsServer http = MetricsServer.start(0, worker))
        {
            worker.watchTransport(stats::get);
            assertEquals(0.0, value(Scrape.metrics(http.port()), "descent_transport_crc_failures_total", "role",
                "worker", "rank", "4").orElseThrow());

            stats.set(new TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
            worker.assignRank(2);
            final List<Scrape.Sample> samples = Scrape.metrics(http.port());
            final String[] rank2 = { "role", "worker", "rank", "2" };
            assertEquals(1.0, value(samples, "descent_transport_crc_failures_total", rank2).orElseThrow());
            assertEquals(2.0, value(samples, "descent_transport_duplicate_chunks_total", rank2).orElseThrow());
            assertEquals(3.0, value(samples, "descent_transport_late_chunks_total", rank2).orElseThrow());
            assertEquals(9.0, value(samples, "descent_transport_incomplete_messages_total", rank2).orElseThrow());
            assertEquals(10.0, value(samples, "descent_transport_late_messages_total", rank2).orElseThrow());
            assertEquals(11.0, value(samples, "descent_transport_duplicate_messages_total", rank2).orElseThrow());
            final String[] reasons = { "unknown_job", "fingerprint", "unexpected", "malformed", "out_of_range" };
            final String[] authentication = { "bad_mac", "unknown_session", "replay", "encoding" };
            for (int i = 0; i < authentication.length; i++)
            {
                assertEquals(12.0 + i, value(samples, "descent_transport_rejected_chunks_total", "role", "worker",
                    "rank", "2", "reason", authentication[i]).orElseThrow(), authentication[i]);
            }
            for (int i = 0; i < reasons.length; i++)
            {
                assertEquals(4.0 + i, value(samples, "descent_transport_rejected_chunks_total", "role", "worker",
                    "rank", "2", "reason", reasons[i]).orElseThrow(), reasons[i]);
            }
            assertTrue(value(samples, "descent_transport_crc_failures_total", "role", "worker", "rank", "4")
                .isEmpty(), "relabelled with the assigned rank");
            assertThrows(IllegalStateException.class, () -> worker.watchTransport(stats::get));
        }
    }

    private HttpResponse<String> health() throws Exception
    {
        return Scrape.get(server.port(), "/health");
    }

    private void advance(final Duration by)
    {
        nanos.addAndGet(by.toNanos());
    }
}
