package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import io.descent.cluster.protocol.CompressionStats;
import io.descent.cluster.worker.WorkerOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compressed weights ({@code descent.cluster.weight-compression}) end to end on the in-memory data plane: the server
 * encodes each published version once, workers decode it before computing; the server's float32 update stays exact,
 * a run is bitwise reproducible and close to float32, two server shards equal one, the weights' traffic is halved
 * and counted, and a worker that expects other weights is refused at registration.
 */
class WeightCompressionTest
{
    /** 10-200-3: 2803 floats, two ranges of at least 1024 floats with two shards. */
    private static final String MODEL = "model { layers = [ { type = dense, units = 200, activation = tanh }, " +
        "{ type = dense } ] }\n";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private final TestJob job = TestJob.of("train { batch-size = 30, epochs = 2 }");

    private JobResult run(final TestJob of, final String plane, final String settings) throws Exception
    {
        return ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane(plane), of,
            TestJob.settings(2, settings));
    }

    @Test
    void shouldTrainOnFp16WeightsReproduciblyAndCloseToFloat32() throws Exception
    {
        final JobResult dense = run(job, "a", "compression = fp16");
        final JobResult first = run(job, "b", "compression = fp16, weight-compression = fp16");
        final JobResult second = run(job, "c", "compression = fp16, weight-compression = fp16");

        assertArrayEquals(first.finalWeights(), second.finalWeights(), "same seed and workers: bitwise the same");
        assertFalse(Arrays.equals(dense.finalWeights(), first.finalWeights()),
            "the workers computed on rounded weights (the weights were really encoded)");
        final double distance = CompressionTest.relativeDistance(dense.finalWeights(), first.finalWeights());
        assertTrue(distance < 1e-2, "fp16 weights stay close to float32: " + distance);
        assertTrue(first.test().accuracy() >= dense.test().accuracy() - 0.02,
            "accuracy " + first.test().accuracy() + " vs float32 weights " + dense.test().accuracy());

        final CompressionStats.WeightTraffic weights = first.server().compression().weights();
        final CompressionStats.WeightTraffic float32 = dense.server().compression().weights();
        assertEquals("fp16", weights.codec());
        assertEquals("none", float32.codec());
        assertEquals(float32.copies(), weights.copies(), "the same copies");
        assertEquals(2 * first.steps(), weights.copies(), "two ranks a step (the final version is not published)");
        assertEquals(float32.denseBytes(), weights.denseBytes());
        assertEquals(float32.denseBytes(), float32.wireBytes());
        assertEquals(2 * weights.wireBytes(), weights.denseBytes(), "2 bytes a value instead of 4");
    }

    @Test
    void shouldTrainOnBf16WeightsWithFloat32Gradients() throws Exception
    {
        final JobResult dense = run(job, "a", "");
        final JobResult bf16 = run(job, "b", "weight-compression = bf16");
        final double distance = CompressionTest.relativeDistance(dense.finalWeights(), bf16.finalWeights());
        assertTrue(distance > 0.0 && distance < 5e-2, "bf16 weights stay near float32: " + distance);
        assertEquals("none", bf16.server().compression().codec());
        assertEquals(2 * bf16.server().compression().weights().wireBytes(),
            bf16.server().compression().weights().denseBytes());
    }

    /** Pipelined too: two encoded copies per rank out at once, each staged by its version's parity on the worker. */
    @ParameterizedTest
    @ValueSource(strings = { "off", "on" })
    void shouldSendEachRankAnEncodedCopyUnderSsp(final String pipeline) throws Exception
    {
        final JobResult dense = run(job, "a", "");
        final JobResult ssp = run(job, "b", "consistency = ssp, staleness = 1, weight-compression = fp16, pipeline = " +
            pipeline);
        assertTrue(ssp.test().accuracy() >= dense.test().accuracy() - 0.05,
            "accuracy " + ssp.test().accuracy() + " vs sync float32 " + dense.test().accuracy());
        final CompressionStats.WeightTraffic weights = ssp.server().compression().weights();
        assertTrue(weights.copies() > 0);
        assertEquals(2 * weights.wireBytes(), weights.denseBytes(), "2 bytes a value instead of 4");
    }

    @Test
    void shouldEncodeEachShardsRangeAsOneServerDoes() throws Exception
    {
        final TestJob small = TestJob.of(MODEL + "train { batch-size = 30, epochs = 2 }\n");
        final String fp16 = "weight-compression = fp16";
        final float[] one = run(small, "one", fp16).finalWeights();
        final ClusterSettings settings = TestJob.settings(2, fp16 + ", servers = 2, shard-min-bytes = 4096");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("s"));
        harness.server(small, settings, null);
        final CompletableFuture<String> shard = harness.shard(small, settings, 1);
        final JobResult two = harness.workers(small, settings, 2).observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));

        assertArrayEquals(one, two.finalWeights(), "two shards equal one server bit for bit");
        assertFalse(Arrays.equals(one, run(small, "dense", "").finalWeights()), "the weights were encoded");
    }

    @Test
    void shouldSendFp16GradientsAndWeightsOfSeveralPiecesReproduciblyAndCloseToFloat32() throws Exception
    {
        // 10-8192-3: 122,883 floats, so the gradient and the weights are each encoded and sent in four pieces
        // (ServerEngine.ENCODE_PIECE_VALUES, and WorkerEngine.PIECE_VALUES of the same size), the last one shorter.
        final TestJob wide = TestJob.of("model { layers = [ { type = dense, units = 8192, activation = tanh }, " +
            "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 1 }\n");
        final String fp16 = "compression = fp16, weight-compression = fp16";
        final JobResult first = run(wide, "one", fp16);
        assertTrue(first.finalWeights().length > 3 * ServerEngine.ENCODE_PIECE_VALUES, "several pieces");

        assertArrayEquals(first.finalWeights(), run(wide, "again", fp16).finalWeights(), "bitwise reproducible");
        final double distance = CompressionTest.relativeDistance(run(wide, "dense", "").finalWeights(),
            first.finalWeights());
        assertTrue(distance > 0.0 && distance < 1e-2, "every piece was encoded, and encoded right: " + distance);
        final CompressionStats traffic = first.server().compression();
        assertEquals(2 * traffic.wireBytes(), traffic.denseBytes(), "gradients: 2 bytes a value");
        assertEquals(2 * traffic.weights().wireBytes(), traffic.weights().denseBytes(), "weights: 2 bytes a value");
    }

    @Test
    void shouldRefuseAWorkerOfAnotherWeightCompressionOnBothSides() throws Exception
    {
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("n"))
            .server(job, TestJob.settings(2, "weight-compression = fp16"), null)
            .workers(job, TestJob.settings(2, ""), 1);
        final WorkerOutcome refused = harness.workers.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(WorkerOutcome.Status.REFUSED, refused.status());
        assertEquals("compression differs: the worker uses none but the parameter server uses none, weights fp16; " +
            "set descent.cluster.compression (and threshold.*, weight-compression) the same on every node",
            refused.message());
        assertEquals(List.of(refused.message()), harness.observer.refused, "the server says it too");
    }
}
