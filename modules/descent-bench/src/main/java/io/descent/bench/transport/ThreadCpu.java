package io.descent.bench.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's threads' CPU time by thread name (threads of one name summed), for telling apart where a window's
 * process CPU went: the application's threads, the embedded media driver's (conductor, sender, receiver), the JIT and
 * the GC. A snapshot is a map; {@link #since} is the difference of two. Threads that ended in between are not in the
 * later snapshot (their time is lost to it). Thread-safe.
 */
final class ThreadCpu
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu()
    {
    }

    /** @return CPU nanoseconds of every live thread of this process, by name; empty where the JVM cannot tell. */
    static Map<String, Long> snapshot()
    {
        final Map<String, Long> cpu = new HashMap<>();
        if (!THREADS.isThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeEnabled())
        {
            return cpu;
        }
        final long[] ids = THREADS.getAllThreadIds();
        final ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++)
        {
            final long nanos = THREADS.getThreadCpuTime(ids[i]);
            if (null != infos[i] && nanos >= 0)
            {
                cpu.merge(infos[i].getThreadName(), nanos, Long::sum);
            }
        }
        return cpu;
    }

    /**
     * @param before an earlier snapshot.
     * @param after  a later one.
     * @return each name's CPU nanoseconds in between (a name new in {@code after} counts from 0), sorted by name;
     * names that used none are left out.
     */
    static Map<String, Long> since(final Map<String, Long> before, final Map<String, Long> after)
    {
        final Map<String, Long> used = new TreeMap<>();
        after.forEach((name, nanos) ->
        {
            final long delta = nanos - before.getOrDefault(name, 0L);
            if (delta > 0)
            {
                used.put(name, delta);
            }
        });
        return used;
    }
}
