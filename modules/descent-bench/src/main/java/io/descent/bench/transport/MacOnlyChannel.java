package io.descent.bench.transport;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.ChunkMac;
import io.descent.transport.wire.DataKey;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The ceiling of a MAC'd transfer: the transport's own {@link ChunkMac} tagging a buffer chunk by chunk on this thread,
 * each chunk then copied to the destination (so the run checks the bytes as for every channel), nothing sent
 * ({@code gmac-only}, {@code hmac-only}). A MAC'd transfer makes every byte pass this on the sender and
 * again on the receiver, so its throughput ÷ the plain transfer's cannot exceed this rate ÷ the plain rate (when the
 * two sides' work overlaps perfectly) — the bound the report prints as {@code mac_ceiling}. Not thread-safe.
 */
final class MacOnlyChannel implements BenchChannel
{
    /** The payload of one chunk that fills a 64 KiB frame, as the transport cuts it. */
    private static final int CHUNK = 65_344;

    private final String name;
    private final ChunkMac mac;
    private final UnsafeBuffer headerBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH));
    private final ChunkHeader header = new ChunkHeader();
    private long sequence = 1;

    /** @param auth a MAC ({@link ChunkAuth#authenticates()}). */
    MacOnlyChannel(final ChunkAuth auth)
    {
        this.name = AeronChannel.macName(auth) + "-only";
        this.mac = new ChunkMac(auth, DataKey.derive("descent bench transport key".getBytes(StandardCharsets.UTF_8),
            1, "descent bench"));
        header.wrap(headerBuffer, 0);
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length)
    {
        final long start = System.nanoTime();
        for (int offset = 0; offset < length; offset += CHUNK)
        {
            final int chunk = Math.min(CHUNK, length - offset);
            tagChunk(source, offset, chunk);
            destination.putBytes(offset, source, offset, chunk);
        }
        return System.nanoTime() - start;
    }

    /**
     * Tags {@code length} bytes of {@code source} chunk by chunk as {@link #transfer} does, copying nothing: the MAC's
     * own cost, as a sending node pays it per byte (a receiving node's check computes the same tag).
     *
     * @return elapsed nanoseconds.
     */
    long tag(final UnsafeBuffer source, final int length)
    {
        final long start = System.nanoTime();
        for (int offset = 0; offset < length; offset += CHUNK)
        {
            tagChunk(source, offset, Math.min(CHUNK, length - offset));
        }
        return System.nanoTime() - start;
    }

    private void tagChunk(final UnsafeBuffer source, final int offset, final int chunk)
    {
        header.sequence(sequence++);
        mac.begin(1, header, false).update(source, offset, chunk).sign(headerBuffer, 0);
    }

    @Override
    public void close()
    {
    }
}
