package io.descent.nn.kernel;

import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts ND4J's native allocations in this process: every native data buffer ND4J creates (arrays, views' buffers,
 * scalars of scalar ops) and every native op context takes a fresh id from one process-wide sequence (its
 * {@code DeallocatorService}, which frees them once they are unreachable). The sequence only grows, so two reads
 * bracket how many such objects were created between them, whatever the garbage collector did meanwhile.
 *
 * <p>Taking an id is the only way to read the sequence, so every read takes one: {@link #created()} leaves out the
 * reads made through this counter (not other counters' reads). Thread-safe.
 */
public final class NativeAllocations
{
    private final AtomicLong reads = new AtomicLong();

    /** @return ND4J's native buffers and op contexts created in this process so far, this counter's reads left out. */
    public long created()
    {
        final long read = reads.incrementAndGet();
        return Nd4j.getDeallocatorService().nextValue() - read;
    }
}
