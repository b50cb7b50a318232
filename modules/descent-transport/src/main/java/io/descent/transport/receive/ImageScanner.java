package io.descent.transport.receive;

import io.aeron.Image;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.descent.transport.wire.ChunkHeader;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.aeron.logbuffer.FrameDescriptor.BEGIN_FRAG_FLAG;
import static io.aeron.logbuffer.FrameDescriptor.END_FRAG_FLAG;
import static io.aeron.protocol.DataHeaderFlyweight.HEADER_LENGTH;

/**
 * Scans one image for whole chunks with {@link Image#controlledPeek} and hands each to the {@link ChunkWriter}
 * while its frames are still in the term buffer; only then is the image's position moved past them. A chunk whose
 * last frame has not arrived yet is left for the next scan (nothing is consumed, nothing staged), so the publisher
 * cannot overwrite frames being verified. Receiver thread only.
 */
final class ImageScanner implements ControlledFragmentHandler
{
    private final ChunkWriter writer;
    private final int budget;
    private final ChunkHeader peekHeader = new ChunkHeader();
    private int scanStart;
    private int mtu;
    private int firstFrame = -1;
    private int orphans;

    ImageScanner(final ChunkWriter writer, final int budget)
    {
        this.writer = writer;
        this.budget = budget;
    }

    /**
     * Handles the complete chunks available in {@code image}, up to the byte budget, and consumes them.
     *
     * @return bytes consumed.
     */
    int scan(final Image image)
    {
        final long position = image.position();
        mtu = image.mtuLength();
        scanStart = (int)position & (image.termBufferLength() - 1);
        firstFrame = -1;
        final long newPosition = image.controlledPeek(position, this, position + budget);
        if (newPosition > position)
        {
            image.position(newPosition);
            return (int)(newPosition - position);
        }
        return 0;
    }

    /** @return fragments seen without the start of their chunk (e.g. a late join mid-chunk), since creation. */
    int orphans()
    {
        return orphans;
    }

    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final byte flags = header.flags();
        final int frame = header.termOffset();
        if ((flags & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED)
        {
            writer.onChunk(buffer, frame, frame, header.sessionId());
            return Action.CONTINUE;
        }
        if ((flags & BEGIN_FRAG_FLAG) != 0)
        {
            if (!isWhollyWritten(buffer, frame, offset, length))
            {
                return Action.ABORT;
            }
            firstFrame = frame;
            return Action.CONTINUE;
        }
        if ((flags & END_FRAG_FLAG) != 0)
        {
            if (firstFrame >= 0)
            {
                writer.onChunk(buffer, firstFrame, frame, header.sessionId());
            }
            else
            {
                orphans++;
            }
            firstFrame = -1;
        }
        return Action.CONTINUE;
    }

    private boolean isWhollyWritten(final DirectBuffer term, final int frame, final int offset, final int length)
    {
        if (length < ChunkHeader.LENGTH)
        {
            return true;
        }
        final long messageLength = ChunkHeader.LENGTH + (long)payloadLength(term, offset);
        final int maxPayload = mtu - HEADER_LENGTH;
        final long frames = (messageLength + maxPayload - 1) / maxPayload;
        final long lastFrame = frame + (frames - 1) * mtu;
        if (messageLength < ChunkHeader.LENGTH || lastFrame + HEADER_LENGTH > term.capacity())
        {
            return true;
        }
        if (frame != scanStart && lastFrame + mtu - scanStart > budget)
        {
            return false;
        }
        return FrameDescriptor.frameLengthVolatile((UnsafeBuffer)term, (int)lastFrame) > 0;
    }

    private int payloadLength(final DirectBuffer term, final int offset)
    {
        return peekHeader.wrap(term, offset).payloadLength();
    }
}
