package io.descent.transport.receive;

import io.descent.transport.wire.MessageId;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A request to cancel the registered slots whose message identity matches, handed to a {@link BufferReceiver} from
 * another thread ({@link BufferReceiver#cancel(SlotCancel)}) and carried out on the receiver's thread between two
 * chunks, so no chunk is ever half-written into a slot being cancelled. Once {@link #isDone()}, no byte of any
 * cancelled message is written any more. One request per cancellation; thread-safe.
 */
public final class SlotCancel
{
    private final Predicate<MessageId> which;
    private final AtomicInteger cancelled = new AtomicInteger(-1);

    /** @param which the identities of the expected messages to cancel; called on the receiver's thread. */
    public SlotCancel(final Predicate<MessageId> which)
    {
        this.which = Objects.requireNonNull(which, "which");
    }

    Predicate<MessageId> which()
    {
        return which;
    }

    /** Records the outcome once (the receiver's thread, or a closed receiver). */
    void complete(final int count)
    {
        cancelled.compareAndSet(-1, count);
    }

    /** @return true once the receiver has carried the request out (or has closed). Any thread. */
    public boolean isDone()
    {
        return cancelled.get() >= 0;
    }

    /** @return how many registered slots were cancelled, or -1 while not done. Any thread. */
    public int cancelled()
    {
        return cancelled.get();
    }
}
