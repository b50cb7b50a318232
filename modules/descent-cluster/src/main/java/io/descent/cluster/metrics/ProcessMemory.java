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

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final NativeAllocations nd4j = new NativeAllocations();
    private final AtomicLong forced = new AtomicLong();
    private volatile double heapAfterGc = Double.NaN;

    ProcessMemory()
    {
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
        if (FORCED_CAUSE.equals(info.getGcCause()))
        {
            forced.incrementAndGet();
        }
        long used = 0;
        for (final Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet())
        {
            if (heapPools.contains(pool.getKey()))
            {
                used += pool.getValue().getUsed();
            }
        }
        heapAfterGc = used;
    }

    /** @return the resident set size in bytes (VmRSS), or NaN. */
    double residentBytes()
    {
        return statusKilobytes("VmRSS:") * 1024.0;
    }

    /** @return the anonymous part of the resident set in bytes (RssAnon: heap, native allocations), or NaN. */
    double anonymousBytes()
    {
        return statusKilobytes("RssAnon:") * 1024.0;
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

    private static double statusKilobytes(final String field)
    {
        try
        {
            for (final String line : Files.readAllLines(STATUS))
            {
                if (line.startsWith(field))
                {
                    return Double.parseDouble(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
