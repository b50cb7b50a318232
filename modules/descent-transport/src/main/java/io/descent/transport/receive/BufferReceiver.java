package io.descent.transport.receive;

import io.aeron.Image;
import io.aeron.Subscription;
import io.descent.transport.config.ReceiverSettings;
import io.descent.transport.counters.CounterSet;
import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Receives chunked messages from every publisher on one subscription and writes each verified chunk straight into
 * the destination registered for its message; reports each registered message exactly once, complete or
 * incomplete at its deadline. Bad chunks (unknown job, wrong fingerprint, unexpected, malformed, out of range,
 * duplicate, late, CRC mismatch; with {@link #authenticate a key}: bad MAC, unknown session, replay) are counted in
 * {@link #counters()} and dropped without touching any destination;
 * duplicate and late messages are also counted by kind ({@link #staleMessages()}). Registered slots can be cancelled
 * ({@link #cancel(SlotCancel)}, {@link #cancelNow}): a cancelled slot's destination is never written again.
 *
 * <p>Threads: {@link #register}, {@link #cancel(SlotCancel)}, {@link #authenticate}, {@link #bindSession},
 * {@link #unbindSession} and {@link #counters()} may be called from any thread.
 * Everything else, and the listener, runs on the one thread that calls {@link #doWork()}: an
 * {@link org.agrona.concurrent.AgentRunner} (see {@code Transport#startAgent}) or the caller's own loop. Allocates
 * nothing per message.
 */
public final class BufferReceiver implements Agent, AutoCloseable
{
    private final Subscription subscription;
    private final ReceiveListener listener;
    private final NanoClock clock;
    private final SlotTable slots;
    private final ImageScanner scanner;
    private final CounterSet<ReceiverCounter> counters = new CounterSet<>(ReceiverCounter.class);
    private final CounterSet<MessageKind> staleMessages = new CounterSet<>(MessageKind.class);
    private final ManyToOneConcurrentArrayQueue<SlotCancel> cancels;
    private final ChunkOrigin origin = new ChunkOrigin();
    private final Consumer<Image> scanImage = this::scan;
    private int scanned;
    private volatile boolean closed;

    /**
     * @param subscription the subscription to read; owned (closed) by this receiver.
     * @param settings     poll budget and slot capacity.
     * @param listener     told of outcomes, on the polling thread.
     * @param clock        for deadlines; must be the clock the deadlines were computed with.
     */
    public BufferReceiver(
        final Subscription subscription,
        final ReceiverSettings settings,
        final ReceiveListener listener,
        final NanoClock clock)
    {
        this.subscription = subscription;
        this.listener = listener;
        this.clock = clock;
        this.slots = new SlotTable(settings.maxSlots(), counters, staleMessages, listener);
        this.cancels = new ManyToOneConcurrentArrayQueue<>(settings.maxSlots());
        this.scanner = new ImageScanner(new ChunkWriter(slots, listener, counters, origin), settings.pollBudget());
    }

    /**
     * Registers an armed slot: chunks of its message are written into its destination from the next duty cycle on.
     * Any thread. Register before the message can arrive: chunks that come first are rejected as unexpected.
     *
     * @param slot armed with {@link ReceiveSlot#expect}; owned by the receiver until its outcome is reported.
     * @return false when {@code max-slots} registrations are already waiting to be picked up (try again).
     * @throws IllegalStateException when the slot is not armed or already registered.
     */
    public boolean register(final ReceiveSlot slot)
    {
        slot.markPending();
        if (!slots.offer(slot))
        {
            slot.finish(ReceiveSlot.State.IDLE);
            return false;
        }
        return true;
    }

    /**
     * Authenticates every chunk from the next one on: it must carry a MAC of {@code auth} under {@code key} (else
     * {@link ReceiverCounter#REJECTED_BAD_MAC}), that key's id (else {@link ReceiverCounter#REJECTED_REPLAY}), and
     * come on the session bound to its sender ({@link #bindSession}, else
     * {@link ReceiverCounter#REJECTED_UNKNOWN_SESSION}). {@link ChunkAuth#CRC_ONLY} goes back to CRC checks (then
     * sessions are not checked). Any thread; a new key (a new incarnation of the job) replaces the old one.
     *
     * @param auth the algorithm.
     * @param key  the job's key; ignored with {@link ChunkAuth#CRC_ONLY}.
     */
    public void authenticate(final ChunkAuth auth, final DataKey key)
    {
        origin.use(auth, key);
    }

    /** @return how chunks are checked now: {@link ChunkAuth#CRC_ONLY} or the MAC. Any thread. */
    public ChunkAuth auth()
    {
        return origin.auth();
    }

    /**
     * Binds a sender to the Aeron session its chunks must come on (checked while authenticating): chunks that carry
     * its sender id on any other session are dropped. Any thread; rebinding replaces the session.
     *
     * @param senderId  the sender id chunks carry ({@link MessageId#senderId()}).
     * @param sessionId the session of the sender's publication.
     */
    public void bindSession(final int senderId, final int sessionId)
    {
        origin.bind(senderId, sessionId);
    }

    /** Unbinds a sender (e.g. a worker that left): none of its chunks is accepted until it is bound again. */
    public void unbindSession(final int senderId)
    {
        origin.unbind(senderId);
    }

    /**
     * Asks the polling thread to cancel the registered slots whose identity matches: at its next duty cycle, between
     * two chunks (never in the middle of one), after taking the registrations handed over before this call. A
     * cancelled slot's listener is not called, its destination is not written again, it may be re-armed, and later
     * chunks of its message count as {@link ReceiverCounter#LATE}. Any thread; wait for {@link SlotCancel#isDone()}
     * before reusing a destination. On a closed receiver the request is done at once, with nothing cancelled.
     *
     * @param request what to cancel; tells how many were cancelled once done.
     * @return false when {@code max-slots} cancellations are already waiting (try again).
     */
    public boolean cancel(final SlotCancel request)
    {
        if (!cancels.offer(request))
        {
            return false;
        }
        if (closed)
        {
            request.complete(0);
        }
        return true;
    }

    /**
     * Cancels at once the registered slots whose identity matches (see {@link #cancel(SlotCancel)}). Polling thread
     * only, between duty cycles or from a listener; a closed receiver has nothing to cancel.
     *
     * @param which the identities to cancel.
     * @return how many slots were cancelled.
     */
    public int cancelNow(final Predicate<MessageId> which)
    {
        return closed ? 0 : slots.cancel(which);
    }

    /**
     * One duty cycle: take new registrations and cancellations, write the complete chunks available on each image
     * (each bounded by the poll budget, so no publisher starves the others), then report slots past their deadline.
     * Polling thread only.
     *
     * @return work done (bytes consumed + slots taken + cancellations + slots expired); 0 lets the idle strategy back
     * off.
     */
    @Override
    public int doWork()
    {
        if (closed)
        {
            return 0;
        }
        final int taken = slots.drain() + applyCancels();
        scanned = 0;
        subscription.forEachImage(scanImage);
        return taken + scanned + slots.expire(clock.nanoTime());
    }

    private int applyCancels()
    {
        int applied = 0;
        SlotCancel request;
        while (null != (request = cancels.poll()))
        {
            request.complete(slots.cancel(request.which()));
            applied++;
        }
        return applied;
    }

    private void scan(final Image image)
    {
        scanned += scanner.scan(image);
    }

    /** @return the subscription's channel, with a port resolved when it was bound to port 0 (or null if not yet). */
    public String resolvedChannel()
    {
        return subscription.tryResolveChannelEndpointPort();
    }

    /** @return the number of publishers currently connected. Any thread. */
    public int imageCount()
    {
        return subscription.imageCount();
    }

    /** @return slots currently receiving. Polling thread. */
    public int activeSlots()
    {
        return slots.size();
    }

    /** @return this receiver's counters; readable from any thread. */
    public CounterSet<ReceiverCounter> counters()
    {
        return counters;
    }

    /**
     * @return messages, by kind, that came again after they were delivered or after the receiver was done with them
     * (the sum of {@link ReceiverCounter#DUPLICATE_MESSAGES} and {@link ReceiverCounter#LATE_MESSAGES}); readable
     * from any thread.
     */
    public CounterSet<MessageKind> staleMessages()
    {
        return staleMessages;
    }

    @Override
    public String roleName()
    {
        return "descent-receiver-" + subscription.streamId();
    }

    /** Reports every registered slot incomplete (on the calling thread) and closes the subscription. */
    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Closes the subscription and reports still-registered slots incomplete. Call from the polling thread, or after
     * the agent runner has stopped. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        slots.drain();
        applyCancels();
        closed = true;
        slots.failAll();
        // A request offered while closing: done, nothing left to cancel.
        for (SlotCancel late = cancels.poll(); null != late; late = cancels.poll())
        {
            late.complete(0);
        }
        subscription.close();
    }
}
