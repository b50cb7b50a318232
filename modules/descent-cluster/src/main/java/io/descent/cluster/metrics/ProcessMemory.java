package io.descent.cluster.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.descent.nn.kernel.NativeAllocations;
import org.bytedeco.javacpp.Pointer;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * This process's memory, as {@link NodeMetrics} reports it: the resident set (all of it, and its anonymous part: heap
 * and native allocations) from {@code /proc/self/status}, the heap in use after the latest garbage collection, the
 * off-heap bytes JavaCPP tracks, ND4J's native allocations so far, and the collections forced by
 * {@code System.gc()}. JavaCPP forces one whenever it allocates while the resident set is above
 * {@code org.bytedeco.javacpp.maxphysicalbytes} ({@code DESCENT_MAX_PHYSICAL}), and such a full collection pauses
 * whatever thread allocated, the step path included; a long run should show none.
 *
 * <p>Listens to every garbage collector of this JVM from construction on (the listeners stay registered for the life
 * of the process). Values not available here (no {@code /proc}, no collection yet) are NaN. Thread-safe.
 */
final class ProcessMemory implements NotificationListener
{
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final String FORCED_CAUSE = "System.gc()";
    private static final long STATUS_REUSE_NS = 100_000_000L;

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final NativeAllocations nd4j = new NativeAllocations();
    private final AtomicLong forced = new AtomicLong();
    private volatile double heapAfterGc = Double.NaN;
    private volatile Status status;

    ProcessMemory()
    {
        // Loads JavaCPP's natives now rather than in the middle of the first scrape (seconds, tens of MB).
        Pointer.totalBytes();
        for (final GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans())
        {
            if (collector instanceof NotificationEmitter emitter)
            {
                emitter.addNotificationListener(this, null, null);
            }
        }
    }

    @Override
    public void handleNotification(final Notification notification, final Object handback)
    {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType()))
        {
            return;
        }
        final GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData)notification.getUserData());
        long used = 0;
        for (final Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet())
        {
            if (heapPools.contains(pool.getKey()))
            {
                used += pool.getValue().getUsed();
            }
        }
        // The heap first: whoever sees the forced collection counted also sees its heap.
        heapAfterGc = used;
        if (FORCED_CAUSE.equals(info.getGcCause()))
        {
            forced.incrementAndGet();
        }
    }

    /** @return the resident set size in bytes (VmRSS), or NaN. */
    double residentBytes()
    {
        return status().residentBytes();
    }

    /** @return the anonymous part of the resident set in bytes (RssAnon: heap, native allocations), or NaN. */
    double anonymousBytes()
    {
        return status().anonymousBytes();
    }

    /**
     * @return the resident set as read within the last {@link #STATUS_REUSE_NS}: the gauges of one scrape come from one
     * read, so that the anonymous part never exceeds the whole.
     */
    private Status status()
    {
        final Status previous = status;
        final long now = System.nanoTime();
        if (null != previous && now - previous.readAtNs() < STATUS_REUSE_NS)
        {
            return previous;
        }
        final Status read = read(now);
        status = read;
        return read;
    }

    private record Status(double residentBytes, double anonymousBytes, long readAtNs)
    {
    }

    /** @return heap bytes in use after the latest collection, or NaN before the first. */
    double heapAfterGcBytes()
    {
        return heapAfterGc;
    }

    /** @return off-heap bytes JavaCPP tracks ({@code Pointer.totalBytes()}; ND4J's own buffers are not among them). */
    double javacppBytes()
    {
        return Pointer.totalBytes();
    }

    /** @return ND4J's native buffers and op contexts created in this process so far. */
    double nd4jAllocations()
    {
        return nd4j.created();
    }

    /** @return collections whose cause was {@code System.gc()} since this object was made. */
    double forcedCollections()
    {
        return forced.get();
    }

    private static double kilobytes(final List<String> lines, final String field)
    {
        for (final String line : lines)
        {
            if (line.startsWith(field))
            {
                return Double.parseDouble(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return Double.NaN;
    }

    private static Status read(final long now)
    {
        try
        {
            final List<String> lines = Files.readAllLines(STATUS);
            return new Status(kilobytes(lines, "VmRSS:") * 1024.0, kilobytes(lines, "RssAnon:") * 1024.0, now);
        }
        catch (final IOException | RuntimeException ex)
        {
            return new Status(Double.NaN, Double.NaN, now);
        }
    }
}
