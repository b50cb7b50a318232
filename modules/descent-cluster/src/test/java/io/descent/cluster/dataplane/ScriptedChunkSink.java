package io.descent.cluster.dataplane;

import io.aeron.Publication;
import io.descent.transport.send.ChunkSink;
import io.descent.transport.wire.ChunkHeader;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ChunkSink} that takes a set number of chunks, then answers back-pressure (a peer that stopped polling)
 * until given more; records what it took as {@code "<kind> <step> <chunk index>/<count>"}. One thread.
 */
final class ScriptedChunkSink implements ChunkSink
{
    private final ChunkHeader header = new ChunkHeader();
    private final List<String> taken = new ArrayList<>();
    private final List<String> log;
    private final String name;
    private long budget;
    private boolean closed;

    /**
     * @param name   shown in the shared log.
     * @param budget chunks it takes before it back-pressures ({@code Long.MAX_VALUE}: never).
     * @param log    every peer's chunks in the order they were taken, as {@code "<name> <chunk>"}.
     */
    ScriptedChunkSink(final String name, final long budget, final List<String> log)
    {
        this.name = name;
        this.budget = budget;
        this.log = log;
    }

    @Override
    public long offer(
        final DirectBuffer headerBuffer, final int headerOffset, final int headerLength,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        if (closed)
        {
            return Publication.CLOSED;
        }
        if (budget == 0)
        {
            return Publication.BACK_PRESSURED;
        }
        budget--;
        header.wrap(headerBuffer, headerOffset);
        final String chunk = header.kindCode() + " " + header.step() + " " + header.chunkIndex() + "/" +
            header.chunkCount();
        taken.add(chunk);
        log.add(name + " " + chunk);
        return taken.size();
    }

    /** Takes {@code more} chunks more before it back-pressures again. */
    void allow(final long more)
    {
        budget += more;
    }

    /** @return the chunks taken, in order. */
    List<String> taken()
    {
        return taken;
    }

    @Override
    public int maxPayloadLength()
    {
        return 4096;
    }

    @Override
    public int maxMessageLength()
    {
        return 4096;
    }

    @Override
    public boolean isConnected()
    {
        return true;
    }

    @Override
    public void close()
    {
        closed = true;
    }
}
