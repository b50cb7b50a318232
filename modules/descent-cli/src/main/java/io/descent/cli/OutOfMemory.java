package io.descent.cli;

import java.util.Locale;

/**
 * Says which memory limit an {@link OutOfMemoryError} hit and which setting of the launcher raises it, in one line:
 * the Java heap ({@code DESCENT_HEAP}, the JVM's {@code -Xmx}), or one of JavaCPP's limits on ND4J's off-heap memory
 * ({@code DESCENT_MAX_OFFHEAP} for {@code org.bytedeco.javacpp.maxbytes}, {@code DESCENT_MAX_PHYSICAL} for
 * {@code maxphysicalbytes}). scripts/descent and the container entrypoint turn those variables into the JVM flags.
 * Running out of memory is not bad input, so the command exits 1. Stateless.
 */
final class OutOfMemory
{
    /** JavaCPP's message when the process's resident memory passes {@code maxphysicalbytes}. */
    private static final String PHYSICAL = "maxPhysicalBytes";
    /** JavaCPP's message when its tracked allocations would pass {@code maxbytes}. */
    private static final String OFF_HEAP = "maxBytes";

    private OutOfMemory()
    {
    }

    /**
     * @param failure what a command threw.
     * @return the first {@link OutOfMemoryError} in its cause chain, or null.
     */
    static OutOfMemoryError find(final Throwable failure)
    {
        for (Throwable t = failure; null != t; t = t.getCause())
        {
            if (t instanceof OutOfMemoryError)
            {
                return (OutOfMemoryError)t;
            }
            if (t.getCause() == t)
            {
                break;
            }
        }
        return null;
    }

    /**
     * @param error    the error.
     * @param maxHeap  this JVM's heap limit in bytes ({@link Runtime#maxMemory()}).
     * @return what ran out and how to raise it, without a leading {@code descent:}; one line.
     */
    static String advice(final OutOfMemoryError error, final long maxHeap)
    {
        final String detail = innermostMessage(error);
        if (detail.contains(PHYSICAL))
        {
            return "out of memory: the process's resident memory (heap, ND4J's arrays and mapped data together) " +
                "passed ND4J's limit: " + detail + "; raise DESCENT_MAX_PHYSICAL (JavaCPP maxphysicalbytes)";
        }
        if (detail.contains(OFF_HEAP))
        {
            return "out of memory: ND4J's off-heap arrays passed their limit: " + detail + "; raise " +
                "DESCENT_MAX_OFFHEAP (JavaCPP maxbytes)";
        }
        if (detail.contains("Direct buffer memory"))
        {
            return "out of memory: direct buffers passed their limit (the heap size, " + mebibytes(maxHeap) +
                ", unless -XX:MaxDirectMemorySize is set); raise DESCENT_HEAP, e.g. DESCENT_HEAP=" +
                suggestion(maxHeap);
        }
        if (detail.contains("Java heap space") || detail.contains("GC overhead limit exceeded"))
        {
            return "out of memory: the Java heap is full (limit " + mebibytes(maxHeap) + "); raise DESCENT_HEAP " +
                "(the JVM's -Xmx), e.g. DESCENT_HEAP=" + suggestion(maxHeap);
        }
        return "out of memory: " + detail + " (heap limit " + mebibytes(maxHeap) + ", DESCENT_HEAP)";
    }

    private static String innermostMessage(final OutOfMemoryError error)
    {
        String message = null;
        for (Throwable t = error; null != t; t = t.getCause() == t ? null : t.getCause())
        {
            if (null != t.getMessage())
            {
                message = t.getMessage();
            }
        }
        return null == message ? error.getClass().getName() : message.replace('\n', ' ');
    }

    private static String mebibytes(final long bytes)
    {
        return (bytes >> 20) + " MiB";
    }

    /** Twice the current heap, rounded up to a whole GiB above 1 GiB (what a user would type). */
    private static String suggestion(final long maxHeap)
    {
        final long twice = 2 * Math.max(maxHeap, 1L << 20);
        if (twice < (1L << 30))
        {
            return (twice >> 20) + "m";
        }
        return String.format(Locale.ROOT, "%dg", (twice + (1L << 30) - 1) >> 30);
    }
}
