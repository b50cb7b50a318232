package io.descent.bench.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole host's busy CPU time from Linux's {@code /proc/stat}: the first ({@code cpu}) line's user, nice, system,
 * irq, softirq and steal ticks of all CPUs (idle and iowait left out; guest time is in user already), at
 * {@link #TICKS_PER_SECOND} (Linux's USER_HZ, 100 on every architecture it reports to user space with). It counts every
 * process and the kernel's softirq threads, so, over a window, an upper bound of what one measured workload cost.
 */
final class HostCpu
{
    /** Linux reports /proc/stat in USER_HZ ticks, 100 a second ({@code getconf CLK_TCK}). */
    static final long TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/stat");

    private HostCpu()
    {
    }

    /**
     * @return the host's busy CPU nanoseconds since boot, all CPUs.
     * @throws UncheckedIOException where /proc/stat cannot be read (not Linux).
     */
    static long busyNanos()
    {
        try
        {
            // Read as lines: procfs reports a size of 0.
            return busyNanos(Files.readAllLines(STAT).get(0));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading " + STAT, ex);
        }
    }

    /**
     * @param cpuLine /proc/stat's first line: {@code cpu user nice system idle iowait irq softirq steal ...}.
     * @return its busy ticks (user + nice + system + irq + softirq + steal) in nanoseconds.
     * @throws IllegalArgumentException when the line is not the all-CPU line or has fewer than 8 numbers.
     */
    static long busyNanos(final String cpuLine)
    {
        final String[] fields = cpuLine.trim().split("\\s+");
        if (fields.length < 9 || !fields[0].equals("cpu"))
        {
            throw new IllegalArgumentException("not /proc/stat's all-CPU line with 8 counters: '" + cpuLine + "'");
        }
        long busy = 0;
        for (final int column : new int[] { 1, 2, 3, 6, 7, 8 })
        {
            busy += Long.parseLong(fields[column]);
        }
        return busy * (1_000_000_000L / TICKS_PER_SECOND);
    }
}
