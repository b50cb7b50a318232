package io.descent.cluster.server;

import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.WorkerStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An epoch's worker time is the difference of the cumulative counters at its end and at the previous epoch's. */
class EpochWorkerTimeTest
{
    @Test
    void shouldTakeEachEpochsDifferencesAveragedOverItsWorkers()
    {
        final EpochWorkerTime.Tracker tracker = new EpochWorkerTime.Tracker();
        final EpochWorkerTime first = tracker.epochEnded(List.of(stats(0, 10, 100, 2.0, 0.5, 1.5),
            stats(1, 11, 100, 4.0, 0.5, 0.5)));
        assertEquals(2, first.workers());
        assertEquals(3.0, first.computeSeconds(), 1e-12, "(2 + 4) / 2: from zero in the first epoch");
        assertEquals(1.5, first.commSeconds(), 1e-12, "(0.5 + 1.5 + 0.5 + 0.5) / 2");

        final EpochWorkerTime second = tracker.epochEnded(List.of(stats(0, 10, 200, 3.0, 0.75, 2.25),
            stats(1, 11, 200, 7.0, 1.0, 1.0)));
        assertEquals(2, second.workers());
        assertEquals(2.0, second.computeSeconds(), 1e-12, "(1 + 3) / 2: this epoch's only");
        assertEquals(1.0, second.commSeconds(), 1e-12, "(1 + 1) / 2");
    }

    @Test
    void shouldCountAReplacementFromItsOwnZeroAndSkipAWorkerThatDidNotCompute()
    {
        final EpochWorkerTime.Tracker tracker = new EpochWorkerTime.Tracker();
        tracker.epochEnded(List.of(stats(0, 10, 100, 2.0, 0.5, 0.5), stats(1, 11, 100, 9.0, 1.0, 1.0)));
        final EpochWorkerTime next = tracker.epochEnded(List.of(stats(0, 10, 100, 2.0, 0.5, 0.5),
            stats(1, 12, 40, 1.0, 0.25, 0.25)));
        assertEquals(1, next.workers(), "rank 0 computed nothing more; rank 1 is a new process");
        assertEquals(1.0, next.computeSeconds(), 1e-12);
        assertEquals(0.5, next.commSeconds(), 1e-12);
        assertEquals(EpochWorkerTime.NONE, new EpochWorkerTime.Tracker().epochEnded(List.of()));
    }

    private static WorkerStats stats(final int rank, final long pid, final long samples, final double compute,
        final double push, final double wait)
    {
        return new WorkerStats(rank, "host", pid, samples, compute, push, wait, 0, TransportStats.NONE);
    }
}
