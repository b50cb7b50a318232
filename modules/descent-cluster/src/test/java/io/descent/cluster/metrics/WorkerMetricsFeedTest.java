package io.descent.cluster.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import static io.descent.cluster.metrics.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker's {@code /health} as fed by what the worker does, over real HTTP, on a settable clock: judged while it
 * trains, not while it waits for a lost parameter server to come back (a liveness probe would otherwise restart the
 * pod and spend the workers' Job backoffLimit on a server restart), and judged again once a server takes it back.
 */
class WorkerMetricsFeedTest
{
    private static final String RULE = "descent.cluster.step-timeout 6 s + send-timeout 2 s + stall-margin 2 s";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final NodeMetrics metrics = NodeMetrics.worker(3, InstantSource.system(), nanos::get);
    private final MetricsServer server = MetricsServer.start(0, metrics);
    private final WorkerMetricsFeed feed = new WorkerMetricsFeed(metrics, WITHIN, RULE);

    @AfterEach
    void close()
    {
        server.close();
    }

    @Test
    void shouldNotJudgeAWorkerWaitingForALostServerAndJudgeItAgainOnceTakenBack() throws Exception
    {
        advance(Duration.ofMinutes(5));
        assertEquals(200, health(), "waiting for registration is not judged");

        feed.onAccepted(1, 2);
        feed.onStep(0, 0.5, 0.1, 64, 1000, 1000);
        advance(Duration.ofSeconds(11));
        assertEquals(503, health(), "a training worker without a step for longer than allowed is hung");

        feed.onStep(1, 0.5, 0.1, 64, 1000, 1000);
        assertEquals(200, health());
        feed.onServerLost("the parameter server left the cluster without ending the job");
        advance(Duration.ofMinutes(9));
        assertEquals(200, health(), "waiting for a restarted server (up to server-lost-timeout) is not a stall");

        feed.onAccepted(1, 2);
        advance(WITHIN);
        assertEquals(200, health(), "the deadline counts from when the restarted server took the worker back");
        advance(Duration.ofSeconds(1));
        assertEquals(503, health());
        assertEquals(2.0, value(Scrape.metrics(server.port()), "descent_steps_total", "role", "worker", "rank", "1")
            .orElseThrow(), "steps counted under the assigned rank");
    }

    @Test
    void shouldNotCountNegativeTimesOfAStep() throws Exception
    {
        feed.onAccepted(0, 1);
        feed.onStep(0, -1.0, -0.5, 32, 0, 0);
        assertEquals(200, health());
        assertTrue(value(Scrape.metrics(server.port()), "descent_step_seconds_sum", "role", "worker", "rank", "0")
            .orElseThrow() >= 0.0);
    }

    private int health() throws Exception
    {
        return Scrape.get(server.port(), "/health").statusCode();
    }

    private void advance(final Duration by)
    {
        nanos.addAndGet(by.toNanos());
    }
}
