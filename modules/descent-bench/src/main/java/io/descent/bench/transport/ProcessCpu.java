package io.descent.bench.transport;

import java.lang.management.ManagementFactory;

/**
 * This process's CPU time: user and system time of all its threads, as the kernel accounts them (the softirqs a thread
 * runs in its system calls count as its system time, unless the kernel accounts interrupt time apart:
 * CONFIG_IRQ_TIME_ACCOUNTING). Thread-safe.
 */
final class ProcessCpu
{
    private ProcessCpu()
    {
    }

    /**
     * @return CPU nanoseconds this process has used since it started.
     * @throws IllegalStateException where the JVM cannot tell its process's CPU time.
     */
    static long nanos()
    {
        final long nanos = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
            .getProcessCpuTime();
        if (nanos < 0)
        {
            throw new IllegalStateException("this JVM does not report its process's CPU time " +
                "(OperatingSystemMXBean.getProcessCpuTime returned " + nanos + ")");
        }
        return nanos;
    }
}
