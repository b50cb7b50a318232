package io.descent.cluster.checkpoint;

import io.descent.cluster.protocol.JobIdentity;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
