package io.descent.bench.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host's busy CPU time from /proc/stat's all-CPU line. */
class HostCpuTest
{
    @Test
    void shouldCountUserNiceSystemIrqSoftirqAndStealButNotIdleOrIowait()
    {
        // user 193323, nice 0, system 36303, idle 67826, iowait 159, irq 0, softirq 3795, steal 667, guest 0 0.
        final long busyTicks = 193_323 + 36_303 + 3_795 + 667;
        assertEquals(busyTicks * 10_000_000L, HostCpu.busyNanos("cpu  193323 0 36303 67826 159 0 3795 667 0 0"));
        assertEquals(6 * 10_000_000L, HostCpu.busyNanos("cpu 1 1 1 1000 1000 1 1 1"), "the 8 counters of old kernels");
    }

    @Test
    void shouldRefuseAnotherLine()
    {
        assertThrows(IllegalArgumentException.class, () -> HostCpu.busyNanos("cpu0 1 1 1 1 1 1 1 1"));
        assertThrows(IllegalArgumentException.class, () -> HostCpu.busyNanos("cpu 1 2 3"));
    }

    @Test
    void shouldNeverGoBackOnThisHost()
    {
        final long before = HostCpu.busyNanos();
        final long after = HostCpu.busyNanos();
        assertTrue(before > 0 && after >= before, before + " then " + after);
    }
}
