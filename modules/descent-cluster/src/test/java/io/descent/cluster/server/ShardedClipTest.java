package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient-norm clipping with two parameter-server shards: each shard clips its range by the norm of the whole
 * gradient (under {@code sync} the shards' parts summed by the coordinator; under {@code ssp} each gradient applied
 * alone, by the norm its worker reported of it as the shards decode it), so the weights equal one server's clipped
 * weights up to float rounding, and differ from the unclipped ones by far more (the bound clipped).
 */
class ShardedClipTest
{
    /** 10-200-3: 2803 floats, two ranges of at least 1024 floats. */
    private static final String JOB = "model { layers = [ { type = dense, units = 200, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 1 }\n";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @Test
    void shouldClipByTheGlobalNormAsOneServerDoes() throws Exception
    {
        final TestJob clipped = TestJob.of(JOB + "train.clip-norm = 0.05");
        final float[] one = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("one"), clipped,
            TestJob.settings(2, "")).finalWeights();
        final float[] two = sharded(clipped, 2, "");
        final float[] free = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("free"),
            TestJob.of(JOB), TestJob.settings(2, "")).finalWeights();

        assertEquals(one.length, two.length);
        final double rounding = maxDifference(one, two);
        final double clipping = maxDifference(one, free);
        assertTrue(rounding < 1e-5, "two shards clip as one server, up to float rounding: " + rounding);
        assertTrue(clipping > 1e-2, "the bound clipped: unclipped weights differ by " + clipping);
    }

    /**
     * Under {@code ssp} one worker makes the order of the updates, so the weights, deterministic. Float32 and fp16:
     * each value is encoded alone, so one range or two decode alike (threshold chooses τ per range, so its shards'
     * gradients are not one server's; its reported norm is checked in {@code PushedNormTest}).
     */
    @ParameterizedTest
    @ValueSource(strings = { "none", "fp16" })
    void shouldClipEachSspGradientByItsWholeNormAsOneServerDoes(final String compression) throws Exception
    {
        final String ssp = "consistency = ssp, staleness = 1, compression = " + compression;
        final TestJob clipped = TestJob.of(JOB + "train.clip-norm = 0.05");
        final float[] one = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("one"), clipped,
            TestJob.settings(1, ssp)).finalWeights();
        final float[] two = sharded(clipped, 1, ", " + ssp);
        final float[] free = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("free"),
            TestJob.of(JOB), TestJob.settings(1, ssp)).finalWeights();

        assertEquals(one.length, two.length);
        final double rounding = maxDifference(one, two);
        final double clipping = maxDifference(one, free);
        assertTrue(rounding < 1e-5, "two shards clip each gradient as one server, up to float rounding: " + rounding);
        assertTrue(clipping > 1e-2, "the bound clipped: unclipped weights differ by " + clipping);
    }

    private float[] sharded(final TestJob job, final int workers, final String overrides) throws Exception
    {
        final ClusterSettings settings = TestJob.settings(workers, "servers = 2, shard-min-bytes = 4096" + overrides);
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("s"));
        harness.server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1);
        final JobResult result = harness.workers(job, settings, workers).observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
        return result.finalWeights();
    }

    private static double maxDifference(final float[] a, final float[] b)
    {
        double max = 0.0;
        for (int i = 0; i < a.length; i++)
        {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
