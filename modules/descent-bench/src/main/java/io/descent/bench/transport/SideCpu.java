package io.descent.bench.transport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time the two sides of a channel's transfers used: the sending thread while it sends (the calling thread,
 * from the first chunk offered to the last; brief spins of its idle strategy when back-pressured included, its parks
 * not) and the receiving thread from the start of a transfer to its end. On a shared host the wall-clock throughput
 * swings with other processes; the CPU a side needs per byte swings much less, and when both sides are always busy the
 * busier one bounds the transfer. Not thread-safe: the benchmark thread records and reads.
 */
final class SideCpu
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Thread receiver;
    private long senderNs;
    private long receiverNs;
    private long senderStart;
    private long receiverStart;

    /** @param receiver the thread that receives (an agent thread); its CPU time is read from this thread. */
    SideCpu(final Thread receiver)
    {
        this.receiver = receiver;
    }

    /** Forgets what was recorded (the warm-up). */
    void reset()
    {
        senderNs = 0;
        receiverNs = 0;
    }

    /** Marks the start of a transfer, on the sending thread before its first chunk. */
    void start()
    {
        receiverStart = THREADS.getThreadCpuTime(receiver.getId());
        senderStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Marks the end of the sending, on the sending thread after its last chunk went out. */
    void sent()
    {
        senderNs += THREADS.getCurrentThreadCpuTime() - senderStart;
    }

    /** Marks the end of a transfer: the receiver has every byte. */
    void received()
    {
        receiverNs += THREADS.getThreadCpuTime(receiver.getId()) - receiverStart;
    }

    /** @return CPU nanoseconds the sending side used since the last {@link #reset}. */
    long senderNs()
    {
        return senderNs;
    }

    /** @return CPU nanoseconds the receiving side used since the last {@link #reset}. */
    long receiverNs()
    {
        return receiverNs;
    }

    /** @return true when this JVM measures threads' CPU time (HotSpot on Linux does). */
    static boolean supported()
    {
        return THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    }
}
