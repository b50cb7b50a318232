package io.descent.cluster.dataplane;

import io.descent.transport.counters.CounterSet;
import io.descent.transport.receive.ReceiverCounter;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What a node's data plane dropped or missed on the receiving side, since it started: cumulative counts, as the
 * report ({@code transport}) and {@code /metrics} ({@code descent_transport_*}) show them. Immutable.
 *
 * <p>Wire form (a worker sends its own with every gradient report), little-endian int64s in component order,
 * {@link #BYTES} bytes.
 *
 * @param crcFailures         chunks dropped because their CRC32C did not match (corrupted in flight).
 * @param duplicateChunks     chunks dropped because they had already been written, also after their message was
 *                            delivered.
 * @param lateChunks          chunks dropped because they came after their message's deadline, or for a step the
 *                            node had moved past.
 * @param rejectedUnknownJob  chunks dropped because no expected message belongs to their job.
 * @param rejectedFingerprint chunks dropped because their job is expected with another model fingerprint.
 * @param rejectedUnexpected  chunks of this job and model that no expected message matches (not yet expected).
 * @param rejectedMalformed   chunks dropped because their header is inconsistent.
 * @param rejectedOutOfRange  chunks dropped because their length or chunking differs from what is expected.
 * @param incompleteMessages  expected messages that missed their deadline (or were pending when the plane closed).
 * @param lateMessages        messages that came late (counted once each, at their first chunk).
 * @param duplicateMessages   messages that came again after they were delivered (once each, at their first chunk).
 * @param rejectedBadMac      chunks dropped because their MAC did not verify (forged or corrupted; with a key).
 * @param rejectedUnknownSession chunks dropped because they came on an Aeron session not bound to their sender.
 * @param rejectedReplay      chunks dropped because they were under another key (replayed from an earlier
 *                            incarnation of the server, or another job).
 * @param rejectedEncoding    chunks dropped because their message is expected in another encoding (a node configured
 *                            with another {@code compression}).
 */
public record TransportStats(
    long crcFailures,
    long duplicateChunks,
    long lateChunks,
    long rejectedUnknownJob,
    long rejectedFingerprint,
    long rejectedUnexpected,
    long rejectedMalformed,
    long rejectedOutOfRange,
    long incompleteMessages,
    long lateMessages,
    long duplicateMessages,
    long rejectedBadMac,
    long rejectedUnknownSession,
    long rejectedReplay,
    long rejectedEncoding)
{
    /** Length of the wire form. */
    public static final int BYTES = 15 * Long.BYTES;

    /** Nothing counted (a plane that has received nothing, or a worker that has not reported yet). */
    public static final TransportStats NONE = new TransportStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Stats without encoding rejections (none counted). */
    public TransportStats(
        final long crcFailures, final long duplicateChunks, final long lateChunks, final long rejectedUnknownJob,
        final long rejectedFingerprint, final long rejectedUnexpected, final long rejectedMalformed,
        final long rejectedOutOfRange, final long incompleteMessages, final long lateMessages,
        final long duplicateMessages, final long rejectedBadMac, final long rejectedUnknownSession,
        final long rejectedReplay)
    {
        this(crcFailures, duplicateChunks, lateChunks, rejectedUnknownJob, rejectedFingerprint, rejectedUnexpected,
            rejectedMalformed, rejectedOutOfRange, incompleteMessages, lateMessages, duplicateMessages, rejectedBadMac,
            rejectedUnknownSession, rejectedReplay, 0);
    }

    /** Stats of a plane without authentication rejections (none counted). */
    public TransportStats(
        final long crcFailures, final long duplicateChunks, final long lateChunks, final long rejectedUnknownJob,
        final long rejectedFingerprint, final long rejectedUnexpected, final long rejectedMalformed,
        final long rejectedOutOfRange, final long incompleteMessages, final long lateMessages,
        final long duplicateMessages)
    {
        this(crcFailures, duplicateChunks, lateChunks, rejectedUnknownJob, rejectedFingerprint, rejectedUnexpected,
            rejectedMalformed, rejectedOutOfRange, incompleteMessages, lateMessages, duplicateMessages, 0, 0, 0);
    }

    /**
     * @param counters a transport receiver's counters (read from any thread).
     * @return their current values.
     */
    public static TransportStats of(final CounterSet<ReceiverCounter> counters)
    {
        return new TransportStats(
            counters.get(ReceiverCounter.CRC_FAILURES),
            counters.get(ReceiverCounter.DUPLICATES),
            counters.get(ReceiverCounter.LATE),
            counters.get(ReceiverCounter.REJECTED_UNKNOWN_JOB),
            counters.get(ReceiverCounter.REJECTED_FINGERPRINT),
            counters.get(ReceiverCounter.REJECTED_UNEXPECTED),
            counters.get(ReceiverCounter.REJECTED_MALFORMED),
            counters.get(ReceiverCounter.REJECTED_OUT_OF_RANGE),
            counters.get(ReceiverCounter.INCOMPLETE),
            counters.get(ReceiverCounter.LATE_MESSAGES),
            counters.get(ReceiverCounter.DUPLICATE_MESSAGES),
            counters.get(ReceiverCounter.REJECTED_BAD_MAC),
            counters.get(ReceiverCounter.REJECTED_UNKNOWN_SESSION),
            counters.get(ReceiverCounter.REJECTED_REPLAY),
            counters.get(ReceiverCounter.REJECTED_ENCODING));
    }

    /** Writes the wire form at {@code offset} of {@code buffer}; allocates nothing. */
    public void encode(final MutableDirectBuffer buffer, final int offset)
    {
        put(buffer, offset, 0, crcFailures);
        put(buffer, offset, 1, duplicateChunks);
        put(buffer, offset, 2, lateChunks);
        put(buffer, offset, 3, rejectedUnknownJob);
        put(buffer, offset, 4, rejectedFingerprint);
        put(buffer, offset, 5, rejectedUnexpected);
        put(buffer, offset, 6, rejectedMalformed);
        put(buffer, offset, 7, rejectedOutOfRange);
        put(buffer, offset, 8, incompleteMessages);
        put(buffer, offset, 9, lateMessages);
        put(buffer, offset, 10, duplicateMessages);
        put(buffer, offset, 11, rejectedBadMac);
        put(buffer, offset, 12, rejectedUnknownSession);
        put(buffer, offset, 13, rejectedReplay);
        put(buffer, offset, 14, rejectedEncoding);
    }

    private static void put(final MutableDirectBuffer buffer, final int offset, final int field, final long value)
    {
        buffer.putLong(offset + field * Long.BYTES, value, ByteOrder.LITTLE_ENDIAN);
    }

    /** @return the stats written at {@code offset} of {@code buffer}. */
    public static TransportStats decode(final DirectBuffer buffer, final int offset)
    {
        final long[] v = new long[BYTES / Long.BYTES];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = buffer.getLong(offset + i * Long.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        return new TransportStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
            v[13], v[14]);
    }
}
