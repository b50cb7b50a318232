package io.descent.bench.scale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void shouldLetAPacedParticipantThroughOnceTheOthersTogetherMadeItsStepsSinceTheBase()
    {
        // The server's process (slot 0) paced by two free-running workers (slots 1, 2) from base 10.
        final Path file = dir.resolve("paced");
        try (LockstepBarrier server = LockstepBarrier.open(file, 3, 0);
            LockstepBarrier one = LockstepBarrier.open(file, 3, 1);
            LockstepBarrier two = LockstepBarrier.open(file, 3, 2))
        {
            one.publish(13);
            assertFalse(server.awaitTotal(1, 2, 10, 4, System.nanoTime()), "3 steps since the base, 4 asked");
            two.publish(11);
            assertTrue(server.awaitTotal(1, 2, 10, 4, System.nanoTime()), "3 + 1 steps since the base");
            assertFalse(server.awaitTotal(1, 2, 12, 2, System.nanoTime()), "1 + none since base 12: below it counts 0");
        }
    }
}
