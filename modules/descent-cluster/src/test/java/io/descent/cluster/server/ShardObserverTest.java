package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.TestJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a parameter-server shard other than the coordinator tells its observer (which feeds its {@code /metrics}) of
 * each step it closes: under {@code ssp} its own ranges' staleness, cumulative, ending at the counts of its
 * {@code server_stats} entry; every step once, in order.
 */
class ShardObserverTest
{
    /** 10-256-3: 3,587 floats, two ranges of at least 4 KiB. */
    private static final String JOB = "model { layers = [ { type = dense, units = 256, activation = tanh }, " +
        "{ type = dense } ] }\ntrain { batch-size = 30, epochs = 2 }";

    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    private record Step(long step, Staleness staleness)
    {
    }

    @Test
    void shouldTellEachStepWithTheShardsOwnStalenessUnderSsp() throws Exception
    {
        final TestJob job = TestJob.of(JOB);
        final ClusterSettings settings = TestJob.settings(2, "servers = 2, shard-min-bytes = 4k, " +
            "consistency = ssp, staleness = 2");
        final List<Step> steps = new CopyOnWriteArrayList<>();
        final ClusterHarness harness = new ClusterHarness(cluster.testKit(), () -> cluster.network().newPlane("n"))
            .server(job, settings, null);
        final CompletableFuture<String> shard = harness.shard(job, settings, 1,
            new ShardServer.Observer()
            {
                @Override
                public void onEnded(final boolean success, final boolean badInput, final String message)
                {
                }

                @Override
                public void onStep(final long step, final long lateGradients, final long closedEarly,
                    final Staleness staleness)
                {
                    steps.add(new Step(step, staleness));
                }
            });
        final JobResult result = harness.workers(job, settings, 2).observer.await(120);
        assertEquals("ok: job complete", shard.get(30, TimeUnit.SECONDS));
        assertEquals(result.steps(), steps.size(), "every step told once");
        for (int i = 0; i < steps.size(); i++)
        {
            assertEquals(i, steps.get(i).step(), "in order");
        }
        final Staleness last = steps.get(steps.size() - 1).staleness();
        long applied = 0;
        for (final long count : last.steps())
        {
            applied += count;
        }
        assertEquals(2 * result.steps(), applied, "both workers' ranges of every step, counted by this shard");
        final ServerStats reported = result.shards().get(1);
        assertArrayEquals(reported.staleness().steps(), last.steps(), "as its server_stats entry: " + reported);
        assertArrayEquals(reported.staleness().versionLag(), last.versionLag());
        assertTrue(last.steps().length <= 3, "never staler than s = 2 on this shard");
    }
}
