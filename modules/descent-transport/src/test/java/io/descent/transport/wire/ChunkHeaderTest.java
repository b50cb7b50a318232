package io.descent.transport.wire;

import io.descent.transport.codec.Compression;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkHeaderTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH + 8));
    private final ChunkHeader header = new ChunkHeader().wrap(buffer, 8);

    @Test
    void shouldReadBackEveryField()
    {
        header.putMessage(MessageKind.WEIGHTS, 7, -3L, 0xFEEDL, 99L, 1L << 40, 1000, 4000)
            .putChunk(2, 4, 1024, 2048, 1024)
            .crc(0xCAFEBABE);

        assertEquals(ChunkHeader.VERSION, header.version());
        assertEquals(MessageKind.WEIGHTS, MessageKind.fromCode(header.kindCode()));
        assertEquals(7, header.senderId());
        assertEquals(-3L, header.jobId());
        assertEquals(0xFEEDL, header.fingerprint());
        assertEquals(99L, header.step());
        assertEquals(1L << 40, header.floatOffset());
        assertEquals(1000, header.floatLength());
        assertEquals(4000, header.messageLength());
        assertEquals(2, header.chunkIndex());
        assertEquals(4, header.chunkCount());
        assertEquals(1024, header.chunkStride());
        assertEquals(2048, header.byteOffset());
        assertEquals(1024, header.payloadLength());
        assertEquals(0xCAFEBABE, header.crc());
        assertTrue(header.isWellFormed());
    }

    @Test
    void shouldCarryTheEncodingAndRejectAnUnknownOne()
    {
        header.putMessage(MessageKind.GRADIENT, 0, 1L, 1L, 1L, 0, 1000, 2000).putChunk(0, 1, 4096, 0, 2000);
        assertEquals(Compression.NONE.code(), header.encodingCode(), "putMessage writes float32");
        header.encoding(Compression.FP16);
        assertEquals(Compression.FP16, Compression.fromCode(header.encodingCode()));
        assertTrue(header.isWellFormed());
        final MessageId fp16 = new MessageId(1L, 1L, MessageKind.GRADIENT, 1L, 0, 0, 1000, Compression.FP16);
        assertTrue(fp16.matches(header));
        assertFalse(fp16.withCompression(Compression.BF16).matches(header), "another encoding does not match");
        assertTrue(fp16.withCompression(Compression.BF16).matchesExceptEncoding(header));
        assertEquals(2000, fp16.byteLength());
        buffer.putByte(8 + 68, (byte)42);
        assertFalse(header.isWellFormed(), "unknown encoding");
        buffer.putByte(8 + 68, (byte)0);
        buffer.putByte(8, (byte)3);
        assertFalse(header.isWellFormed(), "version 3");
    }

    @Test
    void shouldAcceptTheShortLastChunkAndTheEmptyMessage()
    {
        header.putMessage(MessageKind.GRADIENT, 0, 1L, 1L, 1L, 0, 0, 4000).putChunk(3, 4, 1024, 3072, 928);
        assertTrue(header.isWellFormed());
        header.putMessage(MessageKind.GRADIENT, 0, 1L, 1L, 1L, 0, 0, 0).putChunk(0, 1, 1024, 0, 0);
        assertTrue(header.isWellFormed());
    }

    @Test
    void shouldRejectInconsistentChunking()
    {
        header.putMessage(MessageKind.GRADIENT, 0, 1L, 1L, 1L, 0, 0, 4000);
        assertFalse(header.putChunk(4, 4, 1024, 4096, 0).isWellFormed(), "index >= count");
        assertFalse(header.putChunk(-1, 4, 1024, 0, 1024).isWellFormed(), "negative index");
        assertFalse(header.putChunk(1, 5, 1024, 1024, 1024).isWellFormed(), "count disagrees with length");
        assertFalse(header.putChunk(1, 4, 1024, 1000, 1024).isWellFormed(), "offset is not index * stride");
        assertFalse(header.putChunk(3, 4, 1024, 3072, 1024).isWellFormed(), "payload beyond the message");
        assertFalse(header.putChunk(0, 4, 0, 0, 0).isWellFormed(), "zero stride");
        header.putChunk(1, 4, 1024, 1024, 1024);
        buffer.putByte(8 + 1, (byte)9);
        assertFalse(header.isWellFormed(), "unknown kind");
    }

    @Test
    void shouldCountChunks()
    {
        assertEquals(1, ChunkHeader.expectedChunkCount(0, 64));
        assertEquals(1, ChunkHeader.expectedChunkCount(64, 64));
        assertEquals(2, ChunkHeader.expectedChunkCount(65, 64));
        assertEquals(32, ChunkHeader.expectedChunkCount(Integer.MAX_VALUE, 1 << 26));
    }
}
