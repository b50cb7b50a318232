package io.descent.transport.receive;

import io.descent.transport.counters.CounterSet;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.ChunkMac;
import io.descent.transport.wire.Crc32cDigest;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.aeron.logbuffer.FrameDescriptor.FRAME_ALIGNMENT;
import static io.aeron.protocol.DataHeaderFlyweight.HEADER_LENGTH;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Verifies one chunk where it lies in the term buffer and, only if it is good, copies its payload straight into
 * its slot's destination: no staging copy, no allocation. A chunk may span several contiguous Aeron frames (when it
 * is larger than one frame); it is checked whole (header; origin: key and session, see {@link ChunkOrigin}; slot;
 * duplicate; CRC32C or MAC over header and payload) before a byte is copied, so a destination is never touched by bad
 * or forged bytes. Receiver thread only.
 */
final class ChunkWriter
{
    private final SlotTable slots;
    private final ReceiveListener listener;
    private final CounterSet<ReceiverCounter> counters;
    private final ChunkOrigin origin;
    private final ChunkHeader header = new ChunkHeader();
    private final Crc32cDigest digest = new Crc32cDigest();

    ChunkWriter(
        final SlotTable slots,
        final ReceiveListener listener,
        final CounterSet<ReceiverCounter> counters,
        final ChunkOrigin origin)
    {
        this.origin = origin;
        this.slots = slots;
        this.listener = listener;
        this.counters = counters;
    }

    /**
     * Handles the chunk carried by the frames from {@code firstFrame} to {@code lastFrame} (term offsets) inclusive.
     *
     * @param term       the term buffer; the frames are complete and stay put during the call.
     * @param firstFrame offset of the frame holding the chunk header.
     * @param lastFrame  offset of the chunk's last frame (= firstFrame when unfragmented).
     * @param sessionId  the Aeron session of the image the chunk came on.
     */
    void onChunk(final DirectBuffer term, final int firstFrame, final int lastFrame, final int sessionId)
    {
        final int headerOffset = firstFrame + HEADER_LENGTH;
        if (frameLength(term, firstFrame) - HEADER_LENGTH < ChunkHeader.LENGTH)
        {
            counters.increment(ReceiverCounter.REJECTED_MALFORMED);
            return;
        }
        header.wrap(term, headerOffset);
        if (!header.isWellFormed() || payloadBytes(term, firstFrame, lastFrame) != header.payloadLength())
        {
            counters.increment(ReceiverCounter.REJECTED_MALFORMED);
            return;
        }
        final ReceiverCounter rejected = origin.reject(header, sessionId);
        if (null != rejected)
        {
            counters.increment(rejected);
            return;
        }
        final ReceiveSlot slot = slots.find(header);
        if (null == slot)
        {
            return;
        }
        final int index = header.chunkIndex();
        if (!slot.accepts(header.messageLength()) || slot.conflictsWith(header.chunkCount(), header.chunkStride()))
        {
            counters.increment(ReceiverCounter.REJECTED_OUT_OF_RANGE);
            return;
        }
        if (slot.hasChunk(index))
        {
            counters.increment(ReceiverCounter.DUPLICATES);
            return;
        }
        final ChunkMac mac = origin.mac();
        if (null == mac)
        {
            if (checksum(term, firstFrame, lastFrame) != header.crc())
            {
                counters.increment(ReceiverCounter.CRC_FAILURES);
                return;
            }
        }
        else if (!authentic(mac, term, firstFrame, lastFrame, sessionId))
        {
            counters.increment(ReceiverCounter.REJECTED_BAD_MAC);
            return;
        }
        copy(term, firstFrame, lastFrame, slot.destination(), slot.destinationOffset() + header.byteOffset());
        counters.increment(ReceiverCounter.CHUNKS);
        counters.add(ReceiverCounter.BYTES, header.payloadLength());
        if (slot.addChunk(index, header.chunkCount(), header.chunkStride(), header.messageLength()))
        {
            slots.remove(slot);
            counters.increment(ReceiverCounter.COMPLETED);
            slot.finish(ReceiveSlot.State.COMPLETE);
            listener.onComplete(slot);
        }
    }

    private static int payloadBytes(final DirectBuffer term, final int firstFrame, final int lastFrame)
    {
        int bytes = -ChunkHeader.LENGTH;
        for (int frame = firstFrame; frame <= lastFrame; frame = next(term, frame))
        {
            bytes += frameLength(term, frame) - HEADER_LENGTH;
        }
        return bytes;
    }

    private int checksum(final DirectBuffer term, final int firstFrame, final int lastFrame)
    {
        digest.reset().update(term, firstFrame + HEADER_LENGTH, ChunkHeader.CHECKSUMMED_LENGTH);
        for (int frame = firstFrame; frame <= lastFrame; frame = next(term, frame))
        {
            final int start = dataStart(frame, firstFrame);
            digest.update(term, start, frame + frameLength(term, frame) - start);
        }
        return digest.value();
    }

    private boolean authentic(
        final ChunkMac mac, final DirectBuffer term, final int firstFrame, final int lastFrame, final int sessionId)
    {
        mac.begin(sessionId, header, true);
        for (int frame = firstFrame; frame <= lastFrame; frame = next(term, frame))
        {
            final int start = dataStart(frame, firstFrame);
            mac.update(term, start, frame + frameLength(term, frame) - start);
        }
        return mac.verify(term, firstFrame + HEADER_LENGTH);
    }

    private static void copy(
        final DirectBuffer term, final int firstFrame, final int lastFrame,
        final MutableDirectBuffer destination, final int destinationIndex)
    {
        int at = destinationIndex;
        for (int frame = firstFrame; frame <= lastFrame; frame = next(term, frame))
        {
            final int start = dataStart(frame, firstFrame);
            final int length = frame + frameLength(term, frame) - start;
            destination.putBytes(at, term, start, length);
            at += length;
        }
    }

    private static int dataStart(final int frame, final int firstFrame)
    {
        return frame + HEADER_LENGTH + (frame == firstFrame ? ChunkHeader.LENGTH : 0);
    }

    private static int frameLength(final DirectBuffer term, final int frame)
    {
        return term.getInt(frame, LITTLE_ENDIAN);
    }

    private static int next(final DirectBuffer term, final int frame)
    {
        return frame + BitUtil.align(frameLength(term, frame), FRAME_ALIGNMENT);
    }
}
