package io.descent.bench.transport;

import io.descent.transport.wire.ChunkAuth;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data plane's rates at a message size: a real transfer (its bytes checked) and the chunk tag alone. */
class DataPlaneProbeTest
{
    @Test
    void shouldMeasureATransferAndTheTagOfEachKind()
    {
        for (final ChunkAuth auth : new ChunkAuth[]{ ChunkAuth.CRC_ONLY, ChunkAuth.AES_GMAC })
        {
            final DataPlaneProbe.Rates rates = DataPlaneProbe.measure(300_000, auth);
            assertTrue(rates.transferBytesPerSec() > 0 && Double.isFinite(rates.transferBytesPerSec()), auth + " " +
                rates);
            assertTrue(rates.tagBytesPerSec() > 0 && Double.isFinite(rates.tagBytesPerSec()), auth + " " + rates);
        }
    }

    @Test
    void shouldMeasureUdpsRateAndWhatItsBytesCostTheProcess()
    {
        final DataPlaneProbe.Udp udp = DataPlaneProbe.udp(300_000, ChunkAuth.AES_GMAC, 8928);
        assertTrue(udp.bytesPerSec() > 0 && Double.isFinite(udp.bytesPerSec()), udp.toString());
        assertTrue(udp.cpuSecondsPerByte() > 0 && Double.isFinite(udp.cpuSecondsPerByte()),
            "both ends tag, copy and send every byte: " + udp);
    }

    @Test
    void shouldCountThisThreadsCpuInTheProcesss()
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long processStart = ProcessCpu.nanos();
        final long threadStart = threads.getCurrentThreadCpuTime();
        final CRC32C crc = new CRC32C();
        final byte[] block = new byte[1 << 20];
        while (threads.getCurrentThreadCpuTime() - threadStart < 200_000_000L)
        {
            crc.update(block);
        }
        final long thread = threads.getCurrentThreadCpuTime() - threadStart;
        final long process = ProcessCpu.nanos() - processStart;
        // The process's clock may tick in 10 ms steps (USER_HZ) where the thread's counts nanoseconds.
        assertTrue(process >= thread - 20_000_000L, "process " + process + " ns, this thread " + thread + " ns");
    }

    @Test
    void shouldMeasureTheMacAloneAndRefuseACrc()
    {
        final double rate = DataPlaneProbe.macBytesPerSec(300_000, ChunkAuth.AES_GMAC);
        assertTrue(rate > 0 && Double.isFinite(rate), "aes-gmac " + rate);
        assertThrows(IllegalArgumentException.class, () -> DataPlaneProbe.macBytesPerSec(300_000,
            ChunkAuth.CRC_ONLY));
    }

    @Test
    void shouldCopyTheBufferAcrossChunkByChunk()
    {
        final int length = 200_000;
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        for (int i = 0; i < length; i++)
        {
            source.putByte(i, (byte)(i * 31));
        }
        final UnsafeBuffer destination = new UnsafeBuffer(ByteBuffer.allocateDirect(length));
        try (CrcOnlyChannel crc = new CrcOnlyChannel())
        {
            assertTrue(crc.transfer(source, destination, length) > 0);
        }
        for (int i = 0; i < length; i++)
        {
            assertEquals(source.getByte(i), destination.getByte(i), "byte " + i);
        }
        assertEquals(0, source.byteBuffer().position(), "the source's own position is left alone");
    }
}
