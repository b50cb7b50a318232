package io.descent.bench.transport;

import org.agrona.concurrent.UnsafeBuffer;

/** The baseline: one {@code Unsafe.copyMemory} of the whole buffer (Agrona {@link UnsafeBuffer#putBytes}). */
final class MemcpyChannel implements BenchChannel
{
    @Override
    public String name()
    {
        return "memcpy";
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        final long start = System.nanoTime();
        destination.putBytes(0, source, 0, length);
        return System.nanoTime() - start;
    }

    @Override
    public void close()
    {
    }
}
