package io.descent.transport.receive;

import io.descent.transport.counters.CounterSet;
import io.descent.transport.wire.ChunkHeader;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.function.Predicate;

/**
 * The slots a receiver is filling: registration hand-off from other threads, lookup of a chunk's slot by identity,
 * classification of chunks that match none (stale ones by what {@link EndedMessages} remembers), cancellation, and
 * deadline expiry.
 * Linear in the number of active slots (a parameter server expects one message per worker), with the last match
 * checked first. {@link #offer} from any thread; everything else on the receiver thread.
 */
final class SlotTable
{
    private final ReceiveSlot[] slots;
    private final ManyToOneConcurrentArrayQueue<ReceiveSlot> pending;
    private final CounterSet<ReceiverCounter> counters;
    private final CounterSet<MessageKind> staleMessages;
    private final ReceiveListener listener;
    private final EndedMessages ended;
    private int size;
    private ReceiveSlot lastMatch;

    /**
     * @param capacity      active slots at most, and ended expectations remembered.
     * @param counters      the receiver's counters.
     * @param staleMessages duplicate and late messages by kind.
     * @param listener      told of outcomes.
     */
    SlotTable(
        final int capacity,
        final CounterSet<ReceiverCounter> counters,
        final CounterSet<MessageKind> staleMessages,
        final ReceiveListener listener)
    {
        this.slots = new ReceiveSlot[capacity];
        this.pending = new ManyToOneConcurrentArrayQueue<>(capacity);
        this.counters = counters;
        this.staleMessages = staleMessages;
        this.listener = listener;
        this.ended = new EndedMessages(capacity);
    }

    /** Hands a registered slot to the receiver thread. Any thread. @return false when the hand-off queue is full. */
    boolean offer(final ReceiveSlot slot)
    {
        return pending.offer(slot);
    }

    /**
     * Activates slots handed over since the last call; a slot that finds the table full is reported incomplete.
     *
     * @return how many were taken.
     */
    int drain()
    {
        int taken = 0;
        ReceiveSlot slot;
        while (null != (slot = pending.poll()))
        {
            if (size < slots.length)
            {
                slots[size++] = slot;
                slot.activate();
            }
            else
            {
                fail(slot, listener);
            }
            taken++;
        }
        return taken;
    }

    int size()
    {
        return size;
    }

    /**
     * @param header a well-formed chunk header.
     * @return the active slot expecting the chunk's message, or null after counting why none does.
     */
    ReceiveSlot find(final ChunkHeader header)
    {
        final ReceiveSlot last = lastMatch;
        if (null != last && last.state() == ReceiveSlot.State.ACTIVE && last.id().matches(header))
        {
            return last;
        }
        ReceiveSlot slot = search(header);
        // A slot registered just before its message was sent may still be in the hand-off queue.
        if (null == slot && drain() > 0)
        {
            slot = search(header);
        }
        if (null == slot)
        {
            counters.increment(classifyMiss(header));
        }
        return slot;
    }

    private ReceiveSlot search(final ChunkHeader header)
    {
        for (int i = 0; i < size; i++)
        {
            final ReceiveSlot slot = slots[i];
            if (slot.id().matches(header))
            {
                lastMatch = slot;
                return slot;
            }
        }
        return null;
    }

    private ReceiverCounter classifyMiss(final ChunkHeader header)
    {
        final int stale = ended.classify(header);
        if (stale != EndedMessages.NOT_STALE)
        {
            final boolean duplicate = stale == EndedMessages.DUPLICATE;
            if (header.chunkIndex() == 0)
            {
                counters.increment(duplicate ? ReceiverCounter.DUPLICATE_MESSAGES : ReceiverCounter.LATE_MESSAGES);
                staleMessages.increment(MessageKind.fromCode(header.kindCode()));
            }
            return duplicate ? ReceiverCounter.DUPLICATES : ReceiverCounter.LATE;
        }
        boolean jobKnown = false;
        for (int i = 0; i < size; i++)
        {
            if (slots[i].id().matchesExceptEncoding(header))
            {
                return ReceiverCounter.REJECTED_ENCODING;
            }
            if (slots[i].id().jobId() == header.jobId())
            {
                jobKnown = true;
                if (slots[i].id().fingerprint() == header.fingerprint())
                {
                    return ReceiverCounter.REJECTED_UNEXPECTED;
                }
            }
        }
        return jobKnown ? ReceiverCounter.REJECTED_FINGERPRINT : ReceiverCounter.REJECTED_UNKNOWN_JOB;
    }

    /** Removes a slot (completed) and remembers its message as delivered. */
    void remove(final ReceiveSlot slot)
    {
        for (int i = 0; i < size; i++)
        {
            if (slots[i] == slot)
            {
                removeAt(i);
                ended.ended(slot.id(), true);
                return;
            }
        }
    }

    /**
     * Finishes every slot whose deadline has passed as incomplete and tells the listener.
     *
     * @return how many expired.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            // A listener may have cancelled slots meanwhile (removing them): skip what is past the end now.
            if (i >= size)
            {
                continue;
            }
            final ReceiveSlot slot = slots[i];
            if (nowNs - slot.deadlineNs() >= 0)
            {
                removeAt(i);
                fail(slot, listener);
                expired++;
            }
        }
        return expired;
    }

    /**
     * Removes every active slot (including those still being handed over) whose identity matches, without telling
     * the listener, and remembers each message as ended undelivered, so its later chunks count as late.
     *
     * @param which the identities to cancel.
     * @return how many were cancelled.
     */
    int cancel(final Predicate<MessageId> which)
    {
        drain();
        int cancelled = 0;
        for (int i = size - 1; i >= 0; i--)
        {
            if (i >= size)
            {
                continue;
            }
            final ReceiveSlot slot = slots[i];
            if (which.test(slot.id()))
            {
                removeAt(i);
                ended.ended(slot.id(), false);
                counters.increment(ReceiverCounter.CANCELLED);
                slot.finish(ReceiveSlot.State.CANCELLED);
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Finishes every slot as incomplete (the receiver is closing). */
    void failAll()
    {
        while (size > 0)
        {
            final ReceiveSlot slot = slots[size - 1];
            removeAt(size - 1);
            fail(slot, listener);
        }
    }

    private void fail(final ReceiveSlot slot, final ReceiveListener listener)
    {
        ended.ended(slot.id(), false);
        counters.increment(ReceiverCounter.INCOMPLETE);
        slot.finish(ReceiveSlot.State.INCOMPLETE);
        listener.onIncomplete(slot);
    }

    private void removeAt(final int index)
    {
        if (slots[index] == lastMatch)
        {
            lastMatch = null;
        }
        slots[index] = slots[--size];
        slots[size] = null;
    }
}
