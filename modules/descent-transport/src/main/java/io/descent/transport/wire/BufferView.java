package io.descent.transport.wire;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Feeds ranges of Agrona buffers of any backing (byte arrays, {@link ByteBuffer}s such as Aeron term buffers or
 * ND4J's {@code asNio()}, raw addresses) to a digest that takes arrays or {@link ByteBuffer}s (a CRC, a MAC, a
 * cipher's associated data). A direct-buffer view is made once per backing buffer and reused, so feeding allocates
 * nothing in steady state. Raw addresses are viewed through {@code java.nio.DirectByteBuffer}'s private constructor
 * when {@code --add-opens java.base/java.nio=ALL-UNNAMED} is given, otherwise copied through a scratch buffer.
 * Not thread-safe: one per thread.
 */
final class BufferView
{
    /** What the bytes are fed to. */
    interface Digest
    {
        /** Adds the bytes of a heap array. */
        void update(byte[] array, int offset, int length);

        /** Adds the remaining bytes of a direct buffer (its position moves to its limit). */
        void update(ByteBuffer bytes);
    }

    private static final MethodHandle ADDRESS_VIEW = addressViewConstructor();
    private static final int SCRATCH_LENGTH = 64 * 1024;

    private ByteBuffer viewedBuffer;
    private ByteBuffer view;
    private long viewedAddress;
    private int viewedCapacity;
    private ByteBuffer addressView;
    private UnsafeBuffer scratch;

    /** Feeds {@code length} bytes of {@code buffer} from {@code index} to {@code digest}. */
    void feed(final DirectBuffer buffer, final int index, final int length, final Digest digest)
    {
        if (length <= 0)
        {
            return;
        }
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            digest.update(array, buffer.wrapAdjustment() + index, length);
            return;
        }
        final ByteBuffer backing = buffer.byteBuffer();
        if (null != backing && backing.isDirect())
        {
            final ByteBuffer v = viewOf(backing);
            final int start = buffer.wrapAdjustment() + index;
            v.limit(start + length).position(start);
            digest.update(v);
            return;
        }
        feedFromAddress(buffer, index, length, digest);
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

    private void feedFromAddress(final DirectBuffer buffer, final int index, final int length, final Digest digest)
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
                digest.update(addressView);
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
            digest.update(scratchBytes);
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
