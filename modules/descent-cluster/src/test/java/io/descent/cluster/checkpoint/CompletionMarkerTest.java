package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A completed job's marker reads back as written, tells this job from another, and refuses a damaged file. */
class CompletionMarkerTest
{
    private static final JobIdentity JOB = new JobIdentity(0xfedcba9876543210L, "784>dense(10)", 0x8000000000000001L);

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWrote()
    {
        final CompletionMarker marker = CompletionMarker.of(JOB, 3, 120, 1_765_000_000_123L);
        final Path file = marker.write(dir.resolve("job"));
        assertEquals(dir.resolve("job").resolve(CompletionMarker.FILE), file);
        assertEquals(Optional.of(marker), CompletionMarker.read(dir.resolve("job")));
        assertNull(marker.mismatch(JOB, 3));
        assertTrue(marker.describe(dir).contains("120 steps"), marker.describe(dir));
    }

    @Test
    void shouldReplaceAnOlderMarkerAndLeaveNoTemporaryFile() throws Exception
    {
        CompletionMarker.of(JOB, 3, 100, 1L).write(dir);
        final CompletionMarker newer = CompletionMarker.of(JOB, 3, 200, 2L);
        newer.write(dir);
        assertEquals(Optional.of(newer), CompletionMarker.read(dir));
        try (var entries = Files.list(dir))
        {
            assertEquals(1, entries.count(), "only " + CompletionMarker.FILE);
        }
    }

    @Test
    void shouldFindNoMarkerInADirectoryWithout()
    {
        assertEquals(Optional.empty(), CompletionMarker.read(dir));
        assertEquals(Optional.empty(), CompletionMarker.read(dir.resolve("missing")));
    }

    @Test
    void shouldTellAnotherJobsMarker()
    {
        final CompletionMarker marker = CompletionMarker.of(JOB, 3, 120, 0L);
        final String model = marker.mismatch(new JobIdentity(1, "2>dense(1)", JOB.configDigest()), 3);
        assertTrue(model.contains("784>dense(10)") && model.contains("2>dense(1)"), model);
        final String config = marker.mismatch(new JobIdentity(JOB.fingerprint(), JOB.architecture(), 7), 3);
        assertTrue(config.contains("another configuration"), config);
        final String workers = marker.mismatch(JOB, 2);
        assertTrue(workers.contains("3 workers") && workers.contains("has 2"), workers);
    }

    @Test
    void shouldFindThisJobsMarkerAndRefuseAnothersOnResume()
    {
        final CompletionMarker marker = CompletionMarker.of(JOB, 2, 12, 5L);
        marker.write(dir);
        assertEquals(Optional.of(marker), CompletionMarker.completed(dir, JOB, 2, 12));
        final BadInputException other = assertThrows(BadInputException.class, () ->
            CompletionMarker.completed(dir, new JobIdentity(JOB.fingerprint(), JOB.architecture(), 7), 2, 12));
        assertTrue(other.getMessage().startsWith("--resume " + dir + ": the job that completed there had another " +
            "configuration"), other.getMessage());
    }

    @Test
    void shouldMarkAJobStoppedBetweenItsFinalCheckpointAndItsMarker()
    {
        writeCheckpoint(8, JOB);
        assertEquals(Optional.empty(), CompletionMarker.completed(dir, JOB, 2, 12), "step 8 of 12: resume training");
        assertEquals(Optional.empty(), CompletionMarker.read(dir));
        writeCheckpoint(12, new JobIdentity(JOB.fingerprint(), JOB.architecture(), 7));
        assertEquals(Optional.empty(), CompletionMarker.completed(dir, JOB, 2, 12),
            "another job's checkpoint: the resume refuses it");
        writeCheckpoint(12, JOB);
        final CompletionMarker late = CompletionMarker.completed(dir, JOB, 2, 12).orElseThrow();
        assertEquals(12, late.steps());
        assertEquals(Optional.of(late), CompletionMarker.read(dir), "written now");
    }

    @Test
    void shouldMarkAShardedJobOnlyWhenEveryShardWroteItsFinalCheckpoint()
    {
        writeCheckpoint(ShardCheckpoints.part(dir, 0, 2), 12, JOB);
        writeCheckpoint(ShardCheckpoints.part(dir, 1, 2), 8, JOB);
        assertEquals(Optional.empty(), CompletionMarker.completed(dir, JOB, 2, 12),
            "shard 1 stopped before its final checkpoint: resume training");
        writeCheckpoint(ShardCheckpoints.part(dir, 1, 2), 12, JOB);
        assertEquals(12, CompletionMarker.completed(dir, JOB, 2, 12).orElseThrow().steps());
    }

    @Test
    void shouldFindNothingWithoutMarkerOrCheckpoint()
    {
        assertEquals(Optional.empty(), CompletionMarker.completed(dir, JOB, 2, 12));
    }

    private void writeCheckpoint(final long step, final JobIdentity identity)
    {
        writeCheckpoint(dir, step, identity);
    }

    private static void writeCheckpoint(final Path dir, final long step, final JobIdentity identity)
    {
        CheckpointStore.write(dir, new Checkpoint(step, 2, 1, 0, 0.0, 0, identity.fingerprint(),
            identity.architecture(), identity.configDigest(), "{}", new long[]{ 2 }, 1L),
            List.of(Nd4j.create(new float[]{ 1, 2 })), 1);
    }

    @Test
    void shouldRefuseADamagedMarkerAsBadInput() throws Exception
    {
        Files.writeString(dir.resolve(CompletionMarker.FILE), "fingerprint=12\nsteps=3\n");
        final BadInputException missing = assertThrows(BadInputException.class, () -> CompletionMarker.read(dir));
        assertTrue(missing.getMessage().contains("lacks architecture"), missing.getMessage());
        CompletionMarker.of(JOB, 3, 120, 0L).write(dir);
        final String text = Files.readString(dir.resolve(CompletionMarker.FILE));
        Files.writeString(dir.resolve(CompletionMarker.FILE), text.replace("steps=120", "steps=x"));
        final BadInputException garbled = assertThrows(BadInputException.class, () -> CompletionMarker.read(dir));
        assertTrue(garbled.getMessage().contains("is damaged"), garbled.getMessage());
        assertFalse(garbled.getMessage().contains("\n"), "one line");
    }
}
