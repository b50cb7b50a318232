package io.descent.bench.transport;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Threads' CPU time by name over a window. */
class ThreadCpuTest
{
    @Test
    void shouldGiveEachNamesCpuInTheWindowCountingNewThreadsFromZeroAndLeavingOutIdleOnes()
    {
        final Map<String, Long> before = Map.of("main", 100L, "driver-conductor", 50L, "gone", 7L);
        final Map<String, Long> after = Map.of("main", 160L, "driver-conductor", 50L, "driver-sender", 30L);
        assertEquals(Map.of("main", 60L, "driver-sender", 30L), ThreadCpu.since(before, after));
    }

    @Test
    void shouldSeeThisThreadWork()
    {
        final Map<String, Long> before = ThreadCpu.snapshot();
        long x = 0;
        for (int i = 0; i < 50_000_000; i++)
        {
            x += i ^ (x >>> 3);
        }
        final Map<String, Long> used = ThreadCpu.since(before, ThreadCpu.snapshot());
        assertTrue(used.getOrDefault(Thread.currentThread().getName(), 0L) > 0, used + " " + x);
    }
}
