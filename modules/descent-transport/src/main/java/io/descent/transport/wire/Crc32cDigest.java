package io.descent.transport.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C ({@link java.util.zip.CRC32C}, hardware-accelerated by the JIT) over ranges of Agrona buffers of any
 * backing: byte arrays, {@link ByteBuffer}s (e.g. Aeron term buffers, ND4J's {@code asNio()}) or raw addresses.
 * A direct-buffer view is made once per backing buffer and reused, so digesting allocates nothing in steady state.
 * Raw addresses are viewed through {@code java.nio.DirectByteBuffer}'s private constructor when
 * {@code --add-opens java.base/java.nio=ALL-UNNAMED} is given, otherwise copied through a scratch buffer (slower).
 * Not thread-safe: one digest per thread.
 */
public final class Crc32cDigest
{
    private static final MethodHandle ADDRESS_VIEW = addressViewConstructor();
    private static final int SCRATCH_LENGTH = 64 * 1024;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer viewedBuffer;
    private ByteBuffer view;
    private long viewedAddress;
    private int viewedCapacity;
    private ByteBuffer addressView;
    private UnsafeBuffer scratch;

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
        if (length <= 0)
        {
            return this;
        }
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + index, length);
            return this;
        }
        final ByteBuffer backing = buffer.byteBuffer();
        if (null != backing && backing.isDirect())
        {
            final ByteBuffer v = viewOf(backing);
            final int start = buffer.wrapAdjustment() + index;
            v.limit(start + length).position(start);
            crc.update(v);
            return this;
        }
        updateFromAddress(buffer, index, length);
        return this;
    }

    /** @return the CRC32C of everything added since {@link #reset()}, as the int carried on the wire. */
    public int value()
    {
        return (int)crc.getValue();
    }

    private ByteBuffer viewOf(final ByteBuffer backing)
    {
        if (backing != viewedBuffer)
        {
            viewedBuffer = backing;
            view = backing.duplicate();
        }
        view.clear();
        return view;
    }

    private void updateFromAddress(final DirectBuffer buffer, final int index, final int length)
    {
        if (null != ADDRESS_VIEW)
        {
            final long address = buffer.addressOffset();
            if (null == addressView || address != viewedAddress || buffer.capacity() != viewedCapacity)
            {
                addressView = newAddressView(address, buffer.capacity());
                viewedAddress = address;
                viewedCapacity = buffer.capacity();
            }
            if (null != addressView)
            {
                addressView.clear();
                addressView.limit(index + length).position(index);
                crc.update(addressView);
                return;
            }
        }
        if (null == scratch)
        {
            scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(SCRATCH_LENGTH));
        }
        final ByteBuffer scratchBytes = scratch.byteBuffer();
        for (int done = 0; done < length; done += SCRATCH_LENGTH)
        {
            final int n = Math.min(SCRATCH_LENGTH, length - done);
            scratch.putBytes(0, buffer, index + done, n);
            scratchBytes.clear().limit(n);
            crc.update(scratchBytes);
        }
    }

    private static ByteBuffer newAddressView(final long address, final int capacity)
    {
        try
        {
            return (ByteBuffer)ADDRESS_VIEW.invoke(address, capacity);
        }
        catch (final Throwable ex)
        {
            return null;
        }
    }

    private static MethodHandle addressViewConstructor()
    {
        try
        {
            final Class<?> type = Class.forName("java.nio.DirectByteBuffer");
            final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
            try
            {
                return lookup.findConstructor(type, MethodType.methodType(void.class, long.class, int.class));
            }
            catch (final NoSuchMethodException ex)
            {
                return lookup.findConstructor(type, MethodType.methodType(void.class, long.class, long.class))
                    .asType(MethodType.methodType(type, long.class, int.class));
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
