package io.descent.transport.wire;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Crc32cDigestTest
{
    private final byte[] bytes = new byte[10_000];
    private final Crc32cDigest digest = new Crc32cDigest();

    Crc32cDigestTest()
    {
        new Random(1).nextBytes(bytes);
    }

    @Test
    void shouldMatchCrc32cForEveryKindOfBuffer()
    {
        final ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
        final UnsafeBuffer[] buffers = {
            new UnsafeBuffer(bytes),
            new UnsafeBuffer(bytes, 100, 5000),
            new UnsafeBuffer(direct),
            new UnsafeBuffer(direct, 100, 5000),
            new UnsafeBuffer(new UnsafeBuffer(direct).addressOffset() + 100, 5000) };
        for (final UnsafeBuffer buffer : buffers)
        {
            final int base = buffer.capacity() == bytes.length ? 100 : 0;
            assertEquals(reference(100 + 7, 4000), digest.reset().update(buffer, base + 7, 4000).value(),
                buffer.toString());
        }
    }

    @Test
    void shouldChainUpdatesLikeOneRange()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length).put(bytes).clear());

        final int chained = digest.reset().update(buffer, 0, 68).update(buffer, 68, 9000).value();

        assertEquals(reference(0, 9068), chained);
        assertEquals(reference(0, 0), digest.reset().update(buffer, 5, 0).value());
    }

    private int reference(final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int)crc.getValue();
    }
}
