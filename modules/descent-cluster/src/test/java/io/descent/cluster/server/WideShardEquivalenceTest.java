package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two server shards equal one server bit for bit on a model wide enough that BLAS splits its level-1 calls among
 * threads and runs vector loops with remainders: 10-12000-3 (168,003 floats, each shard's range about 84,000). Before
 * the optimizers and the fold added {@code α·x} through {@code Axpy}, a few elements differed in the last bit (3 of
 * 168,003 after 3 epochs with SGD: the fused multiply-add of OpenBLAS's vector loop against its unfused remainder,
 * at other positions in a shard's shorter vector; this test failed so). Three workers, so the fold's weights are
 * 1/3, not a power of two. About 5 s.
 */
class WideShardEquivalenceTest
{
    private static final String MODEL = "model { layers = [ { type = dense, units = 12000, activation = tanh }, " +
        "{ type = dense } ] }\n";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @ParameterizedTest
    @ValueSource(strings = {"train { optimizer = sgd, learning-rate = 0.037, momentum = 0.9, weight-decay = 0.001 }",
        "train { optimizer = adam, learning-rate = 0.003, weight-decay = 0.001 }"})
    void shouldTrainTwoShardsBitForBitAsOneServer(final String optimizer) throws Exception
    {
        final TestJob job = TestJob.of(MODEL + "train { batch-size = 30, epochs = 2 }\n" + optimizer);
        final float[] one = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("one"), job,
            TestJob.settings(3, "")).finalWeights();

        final ClusterSettings settings = TestJob.settings(3, "servers = 2");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("s"));
        harness.server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1);
        final float[] two = harness.workers(job, settings, 3).observer.await(180).finalWeights();
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));

        assertArrayEquals(one, two, "two shards equal one server bit for bit");
    }
}
