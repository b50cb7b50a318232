package io.descent.transport.receive;

import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;

import java.util.Arrays;

/**
 * What a receiver remembers of the expectations that ended, to tell a stale chunk (one that comes after the receiver
 * is done with its message) from an unexpected one: the identities of the last {@code capacity} ended expectations,
 * each with whether it was delivered, and, per message kind, the highest step that ended for the latest job and model.
 *
 * <p>A chunk is a <em>duplicate</em> when it belongs to a remembered message that was delivered; <em>late</em> when it
 * belongs to a remembered message that ended incomplete (its deadline passed first), or to a step at or below the
 * highest ended step of its kind (the receiver has moved past it: a message older than the memory reaches back counts
 * as late). Anything else is not stale. Stores references only: nothing is allocated per message. Receiver thread.
 */
final class EndedMessages
{
    /** {@link #classify} result: not stale. */
    static final int NOT_STALE = 0;
    /** {@link #classify} result: a chunk of a message already delivered. */
    static final int DUPLICATE = 1;
    /** {@link #classify} result: a chunk of a message whose expectation ended incomplete, or of an older step. */
    static final int LATE = 2;

    private final MessageId[] ids;
    private final boolean[] delivered;
    private final long[] highestStep = new long[MessageKind.values().length];
    private int next;
    private int size;
    private int lastHit = -1;
    private long jobId;
    private long fingerprint;
    private boolean any;

    /** @param capacity how many ended expectations to remember (at least 1). */
    EndedMessages(final int capacity)
    {
        this.ids = new MessageId[Math.max(1, capacity)];
        this.delivered = new boolean[ids.length];
    }

    /**
     * Remembers an expectation that ended.
     *
     * @param id        its identity.
     * @param complete  true when it was delivered, false when it ended incomplete.
     */
    void ended(final MessageId id, final boolean complete)
    {
        ids[next] = id;
        delivered[next] = complete;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
        final int kind = id.kind().ordinal();
        if (!any || id.jobId() != jobId || id.fingerprint() != fingerprint)
        {
            Arrays.fill(highestStep, Long.MIN_VALUE);
            jobId = id.jobId();
            fingerprint = id.fingerprint();
            any = true;
        }
        highestStep[kind] = Math.max(highestStep[kind], id.step());
    }

    /**
     * @param header a well-formed chunk header that matched no active expectation.
     * @return {@link #NOT_STALE}, {@link #DUPLICATE} or {@link #LATE}.
     */
    int classify(final ChunkHeader header)
    {
        final int hit = find(header);
        if (hit >= 0)
        {
            return delivered[hit] ? DUPLICATE : LATE;
        }
        final MessageKind kind = MessageKind.fromCode(header.kindCode());
        return any && null != kind && header.jobId() == jobId && header.fingerprint() == fingerprint &&
            header.step() <= highestStep[kind.ordinal()] ? LATE : NOT_STALE;
    }

    private int find(final ChunkHeader header)
    {
        // The chunks of one stale message come one after the other: check the last hit first.
        if (lastHit >= 0 && ids[lastHit].matches(header))
        {
            return lastHit;
        }
        for (int i = 1; i <= size; i++)
        {
            final int at = (next - i + ids.length) % ids.length;
            if (ids[at].matches(header))
            {
                lastHit = at;
                return at;
            }
        }
        return -1;
    }
}
