package io.descent.transport.wire;

import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C ({@link java.util.zip.CRC32C}, hardware-accelerated by the JIT) over ranges of Agrona buffers of any
 * backing: byte arrays, {@link ByteBuffer}s (e.g. Aeron term buffers, ND4J's {@code asNio()}) or raw addresses
 * (see {@link BufferView}). Allocates nothing in steady state. Not thread-safe: one digest per thread.
 */
public final class Crc32cDigest implements BufferView.Digest
{
    private final CRC32C crc = new CRC32C();
    private final BufferView views = new BufferView();

    /** Starts a new checksum. @return this. */
    public Crc32cDigest reset()
    {
        crc.reset();
        return this;
    }

    /**
     * Adds {@code length} bytes of {@code buffer} from {@code index}.
     *
     * @return this.
     */
    public Crc32cDigest update(final DirectBuffer buffer, final int index, final int length)
    {
        views.feed(buffer, index, length, this);
        return this;
    }

    /** @return the CRC32C of everything added since {@link #reset()}, as the int carried on the wire. */
    public int value()
    {
        return (int)crc.getValue();
    }

    /** Adds bytes of a heap array (called by {@link BufferView}). */
    @Override
    public void update(final byte[] array, final int offset, final int length)
    {
        crc.update(array, offset, length);
    }

    /** Adds the remaining bytes of a buffer (called by {@link BufferView}). */
    @Override
    public void update(final ByteBuffer bytes)
    {
        crc.update(bytes);
    }
}
