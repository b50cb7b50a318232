package io.descent.bench.scale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Two ranks mapping one barrier file: neither passes a step before the other has done it. */
class LockstepBarrierTest
{
    @TempDir
    Path dir;

    @Test
    void shouldHoldARankUntilEveryParticipantHasDoneTheStep() throws Exception
    {
        final Path file = dir.resolve("barrier");
        try (LockstepBarrier first = LockstepBarrier.open(file, 2, 0);
            LockstepBarrier second = LockstepBarrier.open(file, 2, 1))
        {
            first.arrive(1, 1);
            final CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> first.arrive(2, 2));
            assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS),
                "rank 1 has done no step yet");
            second.arrive(1, 2);
            assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS),
                "rank 1 has done 1 step, not 2");
            second.arrive(2, 2);
            waiting.get(10, TimeUnit.SECONDS);
        }
    }
}
