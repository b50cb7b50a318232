package io.descent.cluster.metrics;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.descent.cluster.metrics.Scrape.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeMetricsTest
{
    @Test
    void shouldRejectNegativeOrNonFiniteValues()
    {
        final NodeMetrics metrics = NodeMetrics.worker(0);

        assertThrows(IllegalArgumentException.class, () -> metrics.onStep(-1.0, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> metrics.onStep(1.0, Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> metrics.onStep(Double.POSITIVE_INFINITY, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> metrics.onStep(1.0, 0.0, -1));
        assertThrows(IllegalArgumentException.class, () -> metrics.onBytes(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> metrics.setLiveWorkers(-1));
        assertThrows(IllegalArgumentException.class, () -> NodeMetrics.worker(-1));
    }

    @Test
    void shouldKeepTheUnhealthyReasonOnOneLine()
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        assertTrue(metrics.health().healthy());

        metrics.setHealthy(false, "  checkpoint dir /data is read-only\r\n  fix the volume mount \n");
        assertEquals(new Health(false, "checkpoint dir /data is read-only fix the volume mount"), metrics.health());

        metrics.setHealthy(false, null);
        assertEquals("unhealthy", metrics.health().reason());
    }

    @Test
    void shouldServeAWorkersSeriesUnderTheRankTheServerAssigned() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(3);
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            metrics.assignRank(1);
            metrics.onStep(0.02, 0.005, 64);
            metrics.setLiveWorkers(2);
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            assertEquals(1.0, value(samples, "descent_steps_total", "role", "worker", "rank", "1").orElseThrow());
            assertEquals(64.0, value(samples, "descent_examples_total", "role", "worker", "rank", "1").orElseThrow());
            assertEquals(2.0, value(samples, "descent_live_workers", "role", "worker", "rank", "1").orElseThrow());
            assertTrue(value(samples, "descent_steps_total", "role", "worker", "rank", "3").isEmpty(),
                "nothing is left under the requested rank");
        }
        assertThrows(IllegalStateException.class, () -> NodeMetrics.parameterServer().assignRank(0));
    }

    @Test
    void shouldCountIgnoredControlMessagesByMessageFromZero() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            final String name = "descent_ignored_control_messages_total";
            assertEquals(0.0, value(Scrape.metrics(server.port()), name, "role", "ps", "message", "leave")
                .orElseThrow(), "present before anything was ignored");
            metrics.onIgnoredControl("leave");
            metrics.onIgnoredControl("leave");
            metrics.onIgnoredControl("ready");
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            assertEquals(2.0, value(samples, name, "role", "ps", "message", "leave").orElseThrow());
            assertEquals(1.0, value(samples, name, "role", "ps", "message", "ready").orElseThrow());
        }
    }

    @Test
    void shouldCountLateGradientsAndEarlyClosesFromTheServersTotals() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            assertEquals(0.0, value(Scrape.metrics(server.port()), "descent_late_gradients_total", "role", "ps")
                .orElseThrow(), "present from the start");
            metrics.onConsistency(0, 1);
            metrics.onConsistency(2, 3);
            metrics.onConsistency(2, 3);
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            assertEquals(2.0, value(samples, "descent_late_gradients_total", "role", "ps").orElseThrow());
            assertEquals(3.0, value(samples, "descent_closed_early_steps_total", "role", "ps").orElseThrow());
        }
    }

    @Test
    void shouldObserveEachNewlyAppliedGradientsStalenessFromTheServersTotals() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            metrics.onStaleness(new long[]{ 2, 1, 1 }, new long[]{ 3, 0, 0, 1 });
            metrics.onStaleness(new long[]{ 2, 1, 2 }, new long[]{ 3, 0, 1, 1 });
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            assertEquals(5.0, value(samples, "descent_gradient_staleness_steps_count", "role", "ps").orElseThrow());
            assertEquals(5.0, value(samples, "descent_gradient_staleness_steps_sum", "role", "ps").orElseThrow(),
                "0 + 0 + 1 + 2 + 2");
            assertEquals(5.0, value(samples, "descent_gradient_version_lag_count", "role", "ps").orElseThrow());
            assertEquals(5.0, value(samples, "descent_gradient_version_lag_sum", "role", "ps").orElseThrow(),
                "3 + 2");
        }
    }

    @Test
    void shouldExportTheWeightsTrafficBesideTheGradients() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        metrics.watchGradients(() -> new io.descent.cluster.protocol.CompressionStats("threshold", 4, 4000, 80, 1000,
            10, 0.5, new io.descent.cluster.protocol.CompressionStats.WeightTraffic("threshold", 4, 4000, 1200, 1,
            750, 15, 0.25)));
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            assertEquals(80.0, value(samples, "descent_gradient_bytes_after_total", "role", "ps").orElseThrow());
            assertEquals(4000.0, value(samples, "descent_weight_bytes_before_total", "role", "ps").orElseThrow());
            assertEquals(1200.0, value(samples, "descent_weight_bytes_after_total", "role", "ps").orElseThrow());
            assertEquals(0.02, value(samples, "descent_weight_density", "role", "ps").orElseThrow(), 1e-12,
                "15 of the 750 values the coded changes covered");
            assertEquals(0.25, value(samples, "descent_weight_tau", "role", "ps").orElseThrow());
        }
    }

    @Test
    void shouldReportTheProcessMemoryAndCountForcedCollections() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.parameterServer();
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            final List<Scrape.Sample> before = Scrape.metrics(server.port());
            final double rss = value(before, "descent_resident_memory_bytes", "role", "ps").orElseThrow();
            final double anonymous = value(before, "descent_resident_anonymous_memory_bytes", "role", "ps")
                .orElseThrow();
            assertTrue(rss > 0 && anonymous > 0 && anonymous <= rss, rss + " resident, " + anonymous + " anonymous");
            assertTrue(value(before, "descent_javacpp_bytes", "role", "ps").orElseThrow() >= 0);
            final double forced = value(before, "descent_forced_gcs_total", "role", "ps").orElseThrow();
            final double allocations = value(before, "descent_nd4j_allocations_total", "role", "ps").orElseThrow();

            Nd4j.create(DataType.FLOAT, 16);
            System.gc();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<Scrape.Sample> after = Scrape.metrics(server.port());
            // The collection's notification comes on a JMX thread, shortly after it ended; one scrape is not atomic
            // (it may read the heap gauge, still unset, just before the notification and the counter just after).
            while ((value(after, "descent_forced_gcs_total", "role", "ps").orElseThrow() == forced ||
                value(after, "descent_heap_after_gc_bytes", "role", "ps").isEmpty()) &&
                System.nanoTime() - deadline < 0)
            {
                after = Scrape.metrics(server.port());
            }
            assertTrue(value(after, "descent_forced_gcs_total", "role", "ps").orElseThrow() >= forced + 1);
            assertTrue(value(after, "descent_heap_after_gc_bytes", "role", "ps").orElseThrow() > 0);
            assertTrue(value(after, "descent_nd4j_allocations_total", "role", "ps").orElseThrow() >= allocations + 1);
        }
    }

    @Test
    void shouldCountEveryStepUpdatedFromManyThreadsWhileBeingScraped() throws Exception
    {
        final NodeMetrics metrics = NodeMetrics.worker(5);
        final int threads = 4;
        final int stepsPerThread = 5_000;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean failed = new AtomicBoolean();
        final List<Thread> updaters = new ArrayList<>();
        try (MetricsServer server = MetricsServer.start(0, metrics))
        {
            for (int t = 0; t < threads; t++)
            {
                final Thread updater = new Thread(() ->
                {
                    try
                    {
                        start.await();
                        for (int i = 0; i < stepsPerThread; i++)
                        {
                            metrics.onStep(0.01, 0.001, 32);
                            metrics.onBytes(10, 20);
                        }
                    }
                    catch (final InterruptedException | RuntimeException ex)
                    {
                        failed.set(true);
                    }
                });
                updater.start();
                updaters.add(updater);
            }
            start.countDown();
            double previous = 0.0;
            while (updaters.stream().anyMatch(Thread::isAlive))
            {
                final double steps = value(Scrape.metrics(server.port()), "descent_steps_total", "role", "worker",
                    "rank", "5").orElseThrow();
                assertTrue(steps >= previous, "steps_total went back from " + previous + " to " + steps);
                previous = steps;
            }
            for (final Thread updater : updaters)
            {
                updater.join();
            }

            assertFalse(failed.get());
            final List<Scrape.Sample> samples = Scrape.metrics(server.port());
            final int total = threads * stepsPerThread;
            assertEquals(total, value(samples, "descent_steps_total", "role", "worker", "rank", "5").orElseThrow());
            assertEquals(total, value(samples, "descent_step_seconds_count", "role", "worker", "rank", "5")
                .orElseThrow());
            assertEquals(32.0 * total, value(samples, "descent_examples_total", "role", "worker", "rank", "5")
                .orElseThrow());
            assertEquals(20.0 * total, value(samples, "descent_sent_bytes_total", "role", "worker", "rank", "5")
                .orElseThrow());
        }
    }
}
