package io.descent.transport.codec;

import java.nio.ByteOrder;

/**
 * Whether the codecs' loops may read and write buffers with native-order raw accesses ({@link org.agrona.UnsafeApi})
 * after one bounds check per call: only where native order is the wire's little-endian. Constants; any thread.
 */
final class RawAccess
{
    /** True when native byte order is little-endian (x86, arm64 in practice). */
    static final boolean LITTLE_ENDIAN_NATIVE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private RawAccess()
    {
    }
}
