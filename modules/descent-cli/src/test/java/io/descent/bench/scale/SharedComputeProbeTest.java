package io.descent.bench.scale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Host-shared compute across processes: compute-only processes of a tiny model, two workers in lockstep beside a
 * third process (here, where the CLI's {@code bench ceiling-loop} is on the class path).
 */
class SharedComputeProbeTest
{
    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    void shouldMeasureTheWorkersBesideTheOtherProcessesWithTheirWaitsInTheStepNotTheCompute() throws Exception
    {
        final SharedCompute shared = new SharedComputeProbe(dir).measure("20-16-4", 16, 2, 3);
        assertEquals(3, shared.processes());
        assertEquals(2, shared.workers());
        assertTrue(shared.meanSeconds() > 0, "the workers computed");
        assertTrue(shared.maxSeconds() >= shared.meanSeconds(), "a lockstep step holds a worker's compute and its " +
            "wait: " + shared.describe());
    }

    @Test
    void shouldRefuseMoreWorkersThanProcesses()
    {
        assertThrows(IllegalArgumentException.class, () -> new SharedComputeProbe(dir).measure("20-16-4", 16, 3, 2));
    }
}
