package io.descent.cluster.server;

import io.descent.cluster.TestJob;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What server shards refuse at start: checkpoints by time only. Gradient-norm clipping is taken under every
 * consistency model (under ssp and async each gradient is clipped by the norm its worker reports).
 */
class ShardLimitsTest
{
    private static final TestJob CLIPPED = TestJob.of("train.clip-norm = 1.0");

    @Test
    void shouldTakeClippingWithShardsUnderEveryConsistency()
    {
        for (final String consistency : new String[]{ "sync", "backup, backup-workers = 1", "ssp, staleness = 2",
            "async" })
        {
            assertDoesNotThrow(() -> ShardLimits.check(TestJob.settings(2, "servers = 2, consistency = " +
                consistency), CLIPPED.job, false), consistency);
        }
    }

    @Test
    void shouldRefuseCheckpointsByTimeWithShards()
    {
        final BadInputException refused = assertThrows(BadInputException.class, () -> ShardLimits.check(
            TestJob.settings(2, "servers = 2, checkpoint { dir = /tmp/unused, every = 10m }"), CLIPPED.job, false));
        assertTrue(refused.getMessage().contains("checkpoint.every = 600s (checkpoints by time) is not yet supported " +
            "with descent.cluster.servers = 2"), refused.getMessage());
    }
}
