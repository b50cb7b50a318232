package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradient-norm clipping with two parameter-server shards: each shard clips its range by the norm of the whole
 * gradient (the shards' parts summed by the coordinator), so the weights equal one server's clipped weights up to
 * float rounding, and differ from the unclipped ones by far more (the bound clipped).
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
        final float[] two = sharded(clipped);
        final float[] free = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("free"),
            TestJob.of(JOB), TestJob.settings(2, "")).finalWeights();

        assertEquals(one.length, two.length);
        final double rounding = maxDifference(one, two);
        final double clipping = maxDifference(one, free);
        assertTrue(rounding < 1e-5, "two shards clip as one server, up to float rounding: " + rounding);
        assertTrue(clipping > 1e-2, "the bound clipped: unclipped weights differ by " + clipping);
    }

    private float[] sharded(final TestJob job) throws Exception
    {
        final ClusterSettings settings = TestJob.settings(2, "servers = 2, shard-min-bytes = 4096");
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("s"));
        harness.server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1);
        final JobResult result = harness.workers(job, settings, 2).observer.await(120);
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
