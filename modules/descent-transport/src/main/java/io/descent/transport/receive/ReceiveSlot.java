package io.descent.transport.receive;

import io.descent.transport.wire.MessageId;
import org.agrona.MutableDirectBuffer;

/**
 * A destination registered for one expected message: its identity, where its bytes go, how long it may take, and
 * which chunks have arrived. Reusable: arm it with {@link #expect}, {@link BufferReceiver#register register} it,
 * and once it is {@link State#COMPLETE}, {@link State#INCOMPLETE} or {@link State#CANCELLED} arm it again; no
 * allocation per message.
 *
 * <p>Threads: the caller arms a slot while it is not registered; from {@link BufferReceiver#register} until the
 * listener is called the receiver's thread owns it (the caller reads only {@link #state()}); after that its data is
 * stable until it is armed again. The destination is written by the receiver thread only while the slot is registered.
 */
public final class ReceiveSlot
{
    /** Where a slot is in its life. */
    public enum State
    {
        /** Never armed, or armed but not registered. */
        IDLE,
        /** Registered, not yet picked up by the receiver thread. */
        PENDING,
        /** Receiving chunks. */
        ACTIVE,
        /** Every chunk arrived and verified. */
        COMPLETE,
        /** The deadline passed first (or the receiver closed). */
        INCOMPLETE,
        /**
         * Cancelled by its owner ({@link BufferReceiver#cancel(SlotCancel)}) before it completed: the listener is not
         * called, nothing more is written into the destination, and later chunks of its message count as late.
         */
        CANCELLED
    }

    private final ChunkSet received = new ChunkSet();
    private volatile State state = State.IDLE;
    private MessageId id;
    private MutableDirectBuffer destination;
    private int destinationOffset;
    private int length;
    /** True when {@link #length} is a bound, not the exact length: the message's first chunk tells it. */
    private boolean upTo;
    /** The length the verified chunks carry, or -1 before the first. */
    private int messageLength = -1;
    private long deadlineNs;
    private int chunkStride;
    private Object attachment;

    /**
     * Arms the slot for one message. Caller thread; the slot must not be registered.
     *
     * @param id                the identity a chunk must carry to be written here.
     * @param destination       where the message's bytes go (e.g. an UnsafeBuffer over an INDArray's buffer).
     * @param destinationOffset where the first byte goes.
     * @param length            the exact message length in bytes (floats: {@code id.byteLength()}).
     * @param deadlineNs        absolute nano-clock time after which the message is reported incomplete.
     * @return this.
     * @throws IllegalStateException    when the slot is registered and not yet finished.
     * @throws IllegalArgumentException when the destination is too small for {@code length} bytes at the offset.
     */
    public ReceiveSlot expect(
        final MessageId id,
        final MutableDirectBuffer destination,
        final int destinationOffset,
        final int length,
        final long deadlineNs)
    {
        final State current = state;
        if (current == State.PENDING || current == State.ACTIVE)
        {
            throw new IllegalStateException("slot for " + this.id + " is still " + current + "; wait for its outcome");
        }
        if (length < 0 || destinationOffset < 0 || (long)destinationOffset + length > destination.capacity())
        {
            throw new IllegalArgumentException("destination too small for " + id + ": needs " + length +
                " bytes at offset " + destinationOffset + " but its capacity is " + destination.capacity() +
                "; allocate at least " + ((long)destinationOffset + length) + " bytes");
        }
        this.id = id;
        this.destination = destination;
        this.destinationOffset = destinationOffset;
        this.length = length;
        this.upTo = false;
        this.messageLength = -1;
        this.deadlineNs = deadlineNs;
        this.chunkStride = 0;
        this.state = State.IDLE;
        return this;
    }

    /**
     * Arms the slot for one message of variable length (a compressed gradient whose size depends on its values): as
     * {@link #expect}, but a message of any length up to {@code capacity} bytes is accepted, the length its first
     * verified chunk carries binding its other chunks; {@link #messageLength()} tells it once complete.
     *
     * @param capacity the most bytes the message may have.
     * @return this.
     */
    public ReceiveSlot expectUpTo(
        final MessageId id,
        final MutableDirectBuffer destination,
        final int destinationOffset,
        final int capacity,
        final long deadlineNs)
    {
        expect(id, destination, destinationOffset, capacity, deadlineNs);
        this.upTo = true;
        return this;
    }

    /** Attaches caller data (e.g. a worker rank) for the listener. @return this. */
    public ReceiveSlot attach(final Object attachment)
    {
        this.attachment = attachment;
        return this;
    }

    /** @return the attached caller data, or null. */
    public Object attachment()
    {
        return attachment;
    }

    /** @return the current state; any thread (volatile). */
    public State state()
    {
        return state;
    }

    /** @return the expected message identity. */
    public MessageId id()
    {
        return id;
    }

    /** @return the destination buffer. */
    public MutableDirectBuffer destination()
    {
        return destination;
    }

    /** @return where the message starts in the destination. */
    public int destinationOffset()
    {
        return destinationOffset;
    }

    /** @return the expected message length in bytes, or the most it may have ({@link #expectUpTo}). */
    public int length()
    {
        return length;
    }

    /**
     * @return the message's length in bytes as its verified chunks carry it (once complete: how many bytes of the
     * destination it filled), or -1 before any chunk arrived.
     */
    public int messageLength()
    {
        return messageLength;
    }

    /**
     * @param chunkMessageLength the message length a chunk's header carries.
     * @return true when this slot takes a message of that length: exactly {@link #length()}, or with
     * {@link #expectUpTo} at most it and the same as the chunks before. Receiver thread.
     */
    boolean accepts(final int chunkMessageLength)
    {
        if (!upTo)
        {
            return chunkMessageLength == length;
        }
        return chunkMessageLength <= length && (messageLength < 0 || chunkMessageLength == messageLength);
    }

    /** @return the absolute deadline in nanoseconds. */
    public long deadlineNs()
    {
        return deadlineNs;
    }

    /** @return the number of chunks of the message, or -1 when no verified chunk has arrived to say. */
    public int chunkCount()
    {
        return chunkStride == 0 ? -1 : received.count();
    }

    /** @return the number of distinct chunks verified and written. */
    public int receivedChunkCount()
    {
        return chunkStride == 0 ? 0 : received.received();
    }

    /**
     * Lists missing chunk indexes (meaningful once {@link State#INCOMPLETE}).
     *
     * @param into receives missing indexes in order, as many as fit.
     * @return how many were written; 0 with {@link #chunkCount()} == -1 means no chunk arrived at all.
     */
    public int missingChunks(final int[] into)
    {
        return chunkStride == 0 ? 0 : received.missing(into);
    }

    /** @return a one-line account of what is missing, for logs (allocates). */
    public String describeMissing()
    {
        if (chunkStride == 0)
        {
            return id + ": no chunk arrived";
        }
        final int[] first = new int[16];
        final int n = missingChunks(first);
        final StringBuilder text = new StringBuilder().append(id).append(": missing ")
            .append(received.count() - received.received()).append(" of ").append(received.count())
            .append(" chunks, first [");
        for (int i = 0; i < n; i++)
        {
            text.append(i == 0 ? "" : ", ").append(first[i]);
        }
        return text.append(']').toString();
    }

    void markPending()
    {
        if (null == id)
        {
            throw new IllegalStateException("slot must be armed with expect(...) before it is registered");
        }
        final State current = state;
        if (current == State.PENDING || current == State.ACTIVE)
        {
            throw new IllegalStateException("slot for " + id + " is already registered (" + current + ")");
        }
        state = State.PENDING;
    }

    void activate()
    {
        state = State.ACTIVE;
    }

    void finish(final State outcome)
    {
        state = outcome;
    }

    /** @return true when chunking is known and differs from the given one. Receiver thread. */
    boolean conflictsWith(final int chunkCount, final int stride)
    {
        return chunkStride != 0 && (chunkStride != stride || received.count() != chunkCount);
    }

    /** @return true when chunk {@code index} was already written. Receiver thread. */
    boolean hasChunk(final int index)
    {
        return chunkStride != 0 && received.contains(index);
    }

    /**
     * Records a verified, written chunk of a message of {@code chunkMessageLength} bytes.
     *
     * @return true when the message is now complete. Receiver thread.
     */
    boolean addChunk(final int index, final int chunkCount, final int stride, final int chunkMessageLength)
    {
        if (chunkStride == 0)
        {
            chunkStride = stride;
            messageLength = chunkMessageLength;
            received.reset(chunkCount);
        }
        return received.add(index);
    }
}
