package io.descent.bench.transport;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.zip.CRC32C;

/**
 * The chunk tag of a data plane without a cluster key, alone: a CRC32C over each chunk-sized slice of the buffer on
 * this thread, each slice then copied to the destination (so the run checks the bytes as for every channel), nothing
 * sent. The CRC counterpart of {@link MacOnlyChannel}. Not thread-safe.
 */
final class CrcOnlyChannel implements BenchChannel
{
    /** The payload of one chunk that fills a 64 KiB frame, as the transport cuts it. */
    private static final int CHUNK = 65_344;

    private final CRC32C crc = new CRC32C();

    @Override
    public String name()
    {
        return "crc-only";
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        final long start = System.nanoTime();
        final java.nio.ByteBuffer view = source.byteBuffer().duplicate();
        for (int offset = 0; offset < length; offset += CHUNK)
        {
            final int chunk = Math.min(CHUNK, length - offset);
            crc.reset();
            crc.update(view.limit(offset + chunk).position(offset));
            destination.putBytes(offset, source, offset, chunk);
        }
        return System.nanoTime() - start;
    }

    /**
     * The CRC32C of every chunk-sized slice of {@code source}'s first {@code length} bytes, copying nothing.
     *
     * @return elapsed nanoseconds.
     */
    long tag(final UnsafeBuffer source, final int length)
    {
        final long start = System.nanoTime();
        final java.nio.ByteBuffer view = source.byteBuffer().duplicate();
        for (int offset = 0; offset < length; offset += CHUNK)
        {
            crc.reset();
            crc.update(view.limit(offset + Math.min(CHUNK, length - offset)).position(offset));
        }
        return System.nanoTime() - start;
    }

    @Override
    public void close()
    {
    }
}
