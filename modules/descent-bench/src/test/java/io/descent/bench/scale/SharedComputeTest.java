package io.descent.bench.scale;

import io.descent.bench.scale.CeilingProcess.Window;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Host-shared compute from the lockstep windows of the workers: their mean compute and E[max] per step. */
class SharedComputeTest
{
    @Test
    void shouldTakeTheMeanOfTheWorkersOwnComputeAndTheLockstepStepAsEMax()
    {
        // Two workers beside a third process, 30 steps of 256: the first computes 2.7 s of its 3.9 s window (waiting
        // 1.2 s for the other), the second 3.6 s of 3.96 s. Mean = (0.090 + 0.120) / 2 = 0.105 s a step;
        // E[max] = (0.130 + 0.132) / 2 = 0.131 s a step; spread 0.131 / 0.105 = 1.247619...
        final SharedCompute shared = SharedCompute.of(3, List.of(new Window(30, 7_680, 3.9, 2.7),
            new Window(30, 7_680, 3.96, 3.6)));
        assertEquals(3, shared.processes());
        assertEquals(2, shared.workers());
        assertEquals(0.105, shared.meanSeconds(), 1e-12);
        assertEquals(0.131, shared.maxSeconds(), 1e-12);
        assertEquals(0.131 / 0.105, shared.spread(), 1e-12);
    }

    @Test
    void shouldGiveOneWorkersComputeAsBothMeanAndMaxWhenItWaitsForNobody()
    {
        // One worker beside a server's process: its barrier has no one else to wait for, so E[max] is its own step
        // (25 steps, 2.0 s of compute in a 2.05 s window: 80 ms and 82 ms, spread 1.025).
        final SharedCompute shared = SharedCompute.of(2, List.of(new Window(25, 6_400, 2.05, 2.0)));
        assertEquals(0.080, shared.meanSeconds(), 1e-12);
        assertEquals(0.082, shared.maxSeconds(), 1e-12);
        assertEquals(1.025, shared.spread(), 1e-12);
    }

    @Test
    void shouldNeverCallASyncStepsComputeShorterThanTheMean()
    {
        // Rounding of the two clocks can put a window's wall time a hair under its compute: the spread stays 1.
        final SharedCompute shared = SharedCompute.of(1, List.of(new Window(10, 2_560, 0.9999, 1.0)));
        assertEquals(1.0, shared.spread());
    }

    @Test
    void shouldRefuseFewerProcessesThanWorkers()
    {
        final Window window = new Window(10, 2_560, 1.0, 1.0);
        assertThrows(IllegalArgumentException.class, () -> SharedCompute.of(1, List.of(window, window)));
        assertThrows(IllegalArgumentException.class, () -> SharedCompute.of(2, List.of()));
    }
}
