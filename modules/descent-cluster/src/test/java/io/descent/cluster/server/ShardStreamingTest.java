package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.data.Dataset;
import io.descent.data.SourceSplits;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.shard.ShardSet;
import io.descent.data.shard.ShardSource;
import io.descent.data.shard.Sharder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Workers and server read their splits as {@link io.descent.data.ExampleSource}s: a job whose nodes stream
 * memory-mapped shard sets trains to the same weights and metrics, bit for bit, as the job on the same rows in
 * memory.
 */
class ShardStreamingTest
{
    @RegisterExtension
    final InMemoryCluster cluster = new InMemoryCluster();

    @TempDir
    Path tmp;

    @Test
    void shouldTrainFromMemoryMappedShardsToTheInMemoryResult() throws Exception
    {
        final TestJob job = TestJob.of("train { batch-size = 25, epochs = 2 }");
        final TestJob streamed = job.streaming(new SourceSplits(shards(job.data.train(), "train", 3),
            shards(job.data.validation(), "validation", 2), shards(job.data.test(), "test", 1)));
        assertInstanceOf(ShardSource.class, streamed.worker(TestJob.settings(2, ""), null).train());

        final JobResult inMemory = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("m"), job,
            TestJob.settings(2, ""));
        final JobResult fromShards = ClusterHarness.run(cluster.testKit(), () -> cluster.network().newPlane("s"),
            streamed, TestJob.settings(2, ""));

        assertEquals(inMemory.steps(), fromShards.steps());
        assertArrayEquals(inMemory.finalWeights(), fromShards.finalWeights(), "the same rows in the same order");
        for (int epoch = 0; epoch < inMemory.epochs().size(); epoch++)
        {
            assertEquals(inMemory.epochs().get(epoch).validation(), fromShards.epochs().get(epoch).validation());
        }
        assertEquals(inMemory.test(), fromShards.test());
    }

    /** Writes {@code split} (already scaled) as a shard set and opens it memory-mapped, unscaled. */
    private ShardSource shards(final Dataset split, final String name, final int files)
    {
        final Path dir = tmp.resolve(name);
        Sharder.write(split, dir, files, Scaler.fit(ScalingKind.NONE, split), "ShardStreamingTest");
        return ShardSource.of(ShardSet.open(dir, true));
    }
}
