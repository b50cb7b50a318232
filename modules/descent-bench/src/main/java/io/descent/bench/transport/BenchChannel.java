package io.descent.bench.transport;

import org.agrona.concurrent.UnsafeBuffer;

/** One way of moving a buffer from a source to a destination, timed by {@link ThroughputRun}. */
interface BenchChannel extends AutoCloseable
{
    /** @return the channel's name in the report: ipc, udp, artery, tcp or memcpy. */
    String name();

    /**
     * Moves {@code length} bytes of {@code source} into {@code destination} and returns when they are all there.
     *
     * @return elapsed nanoseconds, from the start of the send to the moment the receiver has every byte.
     * @throws Exception when the transfer fails; the benchmark stops with that error.
     */
    long transfer(UnsafeBuffer source, UnsafeBuffer destination, int length) throws Exception;

    /**
     * @return the CPU time of this channel's sending and receiving threads, recorded by every {@link #transfer}; null
     * for a channel without two sides of its own (memcpy, the MAC alone, TCP, Artery).
     */
    default SideCpu cpu()
    {
        return null;
    }

    /** Releases threads, sockets and actor systems; failures are logged, not thrown. */
    @Override
    void close();
}
