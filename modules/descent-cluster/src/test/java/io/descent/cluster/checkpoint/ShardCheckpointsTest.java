package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of a sharded job's checkpoints: the newest step every part completed is the one resumed, whatever a part
 * wrote after it; a directory of another shard count, of one server, or of other ranges is refused naming it; a
 * resume deletes a part's steps after the one it loads.
 */
class ShardCheckpointsTest
{
    private static final JobIdentity IDENTITY = new JobIdentity(11, "net", 22);
    private static final long[] BOUNDS = {0, 4, 6};

    @TempDir
    Path dir;

    @Test
    void shouldResumeTheNewestStepEveryPartCompleted()
    {
        write(0, 10, 20, 30);
        write(1, 10, 20);
        assertEquals(20, ShardCheckpoints.latestComplete(dir, BOUNDS), "step 30 is shard 0's alone");
        final INDArray range = Nd4j.create(DataType.FLOAT, 2);
        CheckpointStore.restore(CheckpointStore.stepDir(ShardCheckpoints.part(dir, 1, 2), 20), IDENTITY, 2,
            List.of(range));
        assertArrayEquals(new float[]{20, 20}, range.toFloatVector(), "shard 1's range of step 20");
        assertEquals(1, CheckpointStore.deleteAfter(ShardCheckpoints.part(dir, 0, 2), 20));
        assertArrayEquals(new long[]{10, 20}, CheckpointStore.steps(ShardCheckpoints.part(dir, 0, 2)));
    }

    @Test
    void shouldRefuseWhenNoStepIsComplete()
    {
        write(0, 10);
        write(1, 20);
        final BadInputException refused = assertThrows(BadInputException.class,
            () -> ShardCheckpoints.latestComplete(dir, BOUNDS));
        assertTrue(refused.getMessage().contains("no checkpoint that all 2 server shards completed"),
            refused.getMessage());
    }

    @Test
    void shouldRefuseAnotherShardCountOneServersCheckpointsAndOtherRanges()
    {
        write(0, 10);
        write(1, 10);
        final BadInputException three = assertThrows(BadInputException.class,
            () -> ShardCheckpoints.latestComplete(dir, new long[]{0, 2, 4, 6}));
        assertTrue(three.getMessage().contains("written by 2 parameter-server shards, this job has 3"),
            three.getMessage());
        final BadInputException one = assertThrows(BadInputException.class,
            () -> ShardCheckpoints.checkShardCount(dir, 1));
        assertTrue(one.getMessage().contains("--servers 2"), one.getMessage());
        final BadInputException ranges = assertThrows(BadInputException.class,
            () -> ShardCheckpoints.latestComplete(dir, new long[]{0, 3, 6}));
        assertTrue(ranges.getMessage().contains("shard 0's checkpoints hold floats [0, +4) of 6"),
            ranges.getMessage());

        final Path single = dir.resolve("single");
        CheckpointStore.write(single, checkpoint(10, 6), List.of(Nd4j.create(DataType.FLOAT, 6)), 2);
        final BadInputException sharded = assertThrows(BadInputException.class,
            () -> ShardCheckpoints.latestComplete(single, BOUNDS));
        assertTrue(sharded.getMessage().contains("written by one parameter server"), sharded.getMessage());
    }

    /**
     * Under ssp with s = 2 and a checkpoint every step, shard 0 closes up to s + 2 = 4 steps ahead of shard 1 while a
     * drop is unacknowledged: with {@code keepInPart(keep, 4, 1)} its part still holds the newest {@code keep}
     * complete checkpoints; with the sync rule ({@code keep + 1}) it would have deleted them all.
     */
    @Test
    void shouldKeepTheNewestCompleteCheckpointsInAPartAheadByTheSspLead()
    {
        final int keep = 2;
        assertEquals(3, ShardCheckpoints.keepInPart(keep), "sync: one checkpoint ahead");
        assertEquals(6, ShardCheckpoints.keepInPart(keep, 4, 1));
        assertEquals(4, ShardCheckpoints.keepInPart(keep, 4, 3), "a lead of 4 steps holds 2 checkpoints every 3");
        assertEquals(3, ShardCheckpoints.keepInPart(keep, 4, 10));
        writeKeeping(1, keep + 1, 1, 2, 3, 4, 5);
        writeKeeping(0, ShardCheckpoints.keepInPart(keep, 4, 1), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertEquals(5, ShardCheckpoints.latestComplete(dir, BOUNDS));
        assertArrayEquals(new long[]{4, 5, 6, 7, 8, 9}, CheckpointStore.steps(ShardCheckpoints.part(dir, 0, 2)),
            "steps 4 and 5, the newest two complete, are still there");

        final Path sync = dir.resolve("sync");
        for (final long step : new long[]{ 1, 2, 3, 4, 5, 6, 7, 8, 9 })
        {
            CheckpointStore.write(sync, checkpoint(step, 4), List.of(Nd4j.create(DataType.FLOAT, 4)),
                ShardCheckpoints.keepInPart(keep));
        }
        assertArrayEquals(new long[]{7, 8, 9}, CheckpointStore.steps(sync), "keep + 1 would hold no complete step");
    }

    /** Writes shard {@code shard}'s part of each step, its range filled with the step. */
    private void write(final int shard, final long... steps)
    {
        writeKeeping(shard, 3, steps);
    }

    /** Writes shard {@code shard}'s part of each step, keeping the newest {@code keep}. */
    private void writeKeeping(final int shard, final int keep, final long... steps)
    {
        final Path part = ShardCheckpoints.part(dir, shard, 2);
        ShardCheckpoints.writeLayout(part, shard, BOUNDS);
        final int length = (int)(BOUNDS[shard + 1] - BOUNDS[shard]);
        for (final long step : steps)
        {
            final INDArray range = Nd4j.valueArrayOf(new long[]{length}, (float)step);
            CheckpointStore.write(part, checkpoint(step, length), List.of(range), keep);
        }
    }

    private static Checkpoint checkpoint(final long step, final long length)
    {
        return new Checkpoint(step, 2, 1, 0, 0.0, 0, IDENTITY.fingerprint(), IDENTITY.architecture(),
            IDENTITY.configDigest(), "{}", new long[]{length}, 1L);
    }
}
