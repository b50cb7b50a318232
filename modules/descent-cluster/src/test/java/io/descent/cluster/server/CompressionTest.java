package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.worker.WorkerOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient compression end to end on the in-memory data plane: workers encode each gradient (fp16, bf16, threshold),
 * the server decodes it straight into its sum; training stays close to float32, a run is bitwise reproducible, the
 * traffic is counted, and a worker that encodes otherwise is refused at registration.
 */
class CompressionTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final TestJob job = TestJob.of("train { batch-size = 30, epochs = 2 }");

    private JobResult run(final String plane, final String settings) throws Exception
    {
        return ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane(plane), job,
            TestJob.settings(2, settings));
    }

    @Test
    void shouldTrainWithFp16GradientsReproduciblyAndCloseToFloat32() throws Exception
    {
        final JobResult dense = run("a", "");
        final JobResult first = run("b", "compression = fp16");
        final JobResult second = run("c", "compression = fp16");

        assertArrayEquals(first.finalWeights(), second.finalWeights(), "same seed and workers: bitwise the same");
        assertFalse(java.util.Arrays.equals(dense.finalWeights(), first.finalWeights()),
            "fp16 rounding changed the weights (the gradients were really encoded)");
        assertTrue(relativeDistance(dense.finalWeights(), first.finalWeights()) < 1e-2,
            "fp16 stays close to float32: " + relativeDistance(dense.finalWeights(), first.finalWeights()));
        assertTrue(first.test().accuracy() >= dense.test().accuracy() - 0.02,
            "accuracy " + first.test().accuracy() + " vs float32 " + dense.test().accuracy());

        final CompressionStats traffic = first.server().compression();
        assertEquals("fp16", traffic.codec());
        assertEquals(2 * first.steps(), traffic.gradients(), "two ranks a step");
        assertEquals(2 * traffic.wireBytes(), traffic.denseBytes(), "2 bytes a value instead of 4");
        assertEquals(traffic.wireBytes(), first.server().bytesReceived(), "bytes_received counts the wire");
        assertEquals(1.0, traffic.density());
        assertTrue(Double.isNaN(traffic.tau()));
        final CompressionStats none = dense.server().compression();
        assertEquals("none", none.codec());
        assertEquals(none.denseBytes(), none.wireBytes());
        assertEquals(none.denseBytes(), traffic.denseBytes(), "the same gradients before compression");
    }

    @Test
    void shouldTrainWithBf16Gradients() throws Exception
    {
        final JobResult dense = run("a", "");
        final JobResult bf16 = run("b", "compression = bf16");
        assertTrue(relativeDistance(dense.finalWeights(), bf16.finalWeights()) < 5e-2,
            "bf16 stays near float32: " + relativeDistance(dense.finalWeights(), bf16.finalWeights()));
        assertEquals(2 * bf16.server().compression().wireBytes(), bf16.server().compression().denseBytes());
    }

    @Test
    void shouldTrainWithThresholdGradientsReproduciblyAtTheirDensity() throws Exception
    {
        final JobResult dense = run("a", "");
        final String settings = "compression = threshold, threshold.density = 0.05";
        final JobResult first = run("b", settings);
        final JobResult second = run("c", settings);

        assertArrayEquals(first.finalWeights(), second.finalWeights(), "same seed and workers: bitwise the same");
        final CompressionStats traffic = first.server().compression();
        assertEquals("threshold", traffic.codec());
        assertEquals(2 * first.steps(), traffic.gradients(), "two ranks a step");
        assertEquals(traffic.wireBytes(), first.server().bytesReceived(), "bytes_received counts the wire");
        // τ is a sampled quantile and moves at most 4× a step from initial-tau: over this short job (36 steps) the
        // first steps send more, so the mean density is near the target, not on it.
        assertTrue(traffic.density() > 0.02 && traffic.density() < 0.2, "density " + traffic.density());
        assertTrue(traffic.tau() > 0.0 && Double.isFinite(traffic.tau()), "tau " + traffic.tau());
        assertTrue(traffic.wireBytes() * 5 < traffic.denseBytes(),
            traffic.wireBytes() + " bytes on the wire against " + traffic.denseBytes() + " dense");
        assertTrue(first.test().accuracy() >= dense.test().accuracy() - 0.1,
            "error feedback keeps it learning: " + first.test().accuracy() + " vs float32 " + dense.test().accuracy());
    }

    @Test
    void shouldRefuseAWorkerOfAnotherCompressionOnBothSides() throws Exception
    {
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("n"))
            .server(job, TestJob.settings(2, "compression = fp16"), null)
            .workers(job, TestJob.settings(2, "compression = bf16"), 1);
        final WorkerOutcome refused = harness.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        assertEquals("compression differs: the worker uses bf16 but the parameter server uses fp16; set " +
            "descent.cluster.compression (and threshold.*, weight-compression) the same on every node", refused.message());
        assertEquals(java.util.List.of(refused.message()), harness.observer.refused, "the server says it too");
    }

    /** @return ‖other − reference‖ ÷ ‖reference‖ (also used by {@link WeightCompressionTest}). */
    static double relativeDistance(final float[] reference, final float[] other)
    {
        double diff = 0.0;
        double norm = 0.0;
        for (int i = 0; i < reference.length; i++)
        {
            diff += Math.pow(other[i] - reference[i], 2);
            norm += Math.pow(reference[i], 2);
        }
        return Math.sqrt(diff / norm);
    }
}
