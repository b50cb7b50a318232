package io.descent.cluster.dataplane;

import io.descent.transport.send.BroadcastTags;
import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A {@link DataPlane} that copies buffers in memory, on the sender's thread, into the receiver's expected
 * destination: the semantics of the Aeron plane (expect before send, unexpected messages dropped and counted, a
 * message that comes again after delivery or after its deadline counted as duplicate or late, incomplete at the
 * deadline, cancelled expectations dropped and counted late) without a media driver. A message is one chunk here.
 * Validates a peer endpoint by whether a plane is on the network at it; {@link #breakOutletTo} makes opening an
 * outlet fail later, as a host that stopped resolving would. For ActorTestKit tests. Thread-safe.
 */
public final class InMemoryDataPlane implements DataPlane
{
    private final InMemoryNetwork network;
    private final String endpoint;
    private final Map<MessageId, Expectation> expected = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    /** Ended expectations: true when delivered, false when they missed their deadline. */
    private final Map<MessageId, Boolean> ended = new ConcurrentHashMap<>();
    private final AtomicLong unexpected = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong incomplete = new AtomicLong();
    private final AtomicLongArray staleByKind = new AtomicLongArray(MessageKind.values().length);
    /** Held while a message is matched and copied, and while expectations are cancelled: no copy outlives a cancel. */
    private final Object copying = new Object();
    private final Map<String, String> brokenOutlets = new ConcurrentHashMap<>();
    private final AtomicLong cancelled = new AtomicLong();
    private volatile boolean closed;
    private volatile RuntimeException callbackFailure;

    private record Expectation(MutableDirectBuffer destination, DataPlane.Arrival arrival, ScheduledFuture<?>[] timer)
    {
    }

    InMemoryDataPlane(final InMemoryNetwork network, final String endpoint)
    {
        this.network = network;
        this.endpoint = endpoint;
    }

    @Override
    public String endpoint()
    {
        return endpoint;
    }

    @Override
    public String validate(final String peer)
    {
        return null != network.lookup(peer) ? null : "the data-plane endpoint '" + peer + "' (the worker's --aeron) " +
            "is not on this in-memory network";
    }

    /**
     * Makes {@link #outlet} to {@code peer} throw from now on, as the Aeron plane does when a peer's host no longer
     * resolves; {@link #validate} still accepts it.
     *
     * @param peer   the endpoint.
     * @param reason the exception's message.
     */
    public void breakOutletTo(final String peer, final String reason)
    {
        brokenOutlets.put(peer, reason);
    }

    @Override
    public Outlet outlet(final String peer)
    {
        final String broken = brokenOutlets.get(peer);
        if (null != broken)
        {
            throw new IllegalStateException(broken);
        }
        return new Outlet()
        {
            private long bytes;
            private MessageId pendingId;
            private DirectBuffer pendingSource;
            private int pendingLength;
            /** Bytes of the pending message its source holds yet ({@link #ready}); -1: all of them. */
            private int pendingReady = -1;

            @Override
            public SendResult send(final MessageId id, final DirectBuffer source, final long deadlineNs)
            {
                return send(id, source, id.byteLength(), deadlineNs);
            }

            @Override
            public SendResult send(
                final MessageId id, final DirectBuffer source, final int length, final long deadlineNs)
            {
                final InMemoryDataPlane target = network.lookup(peer);
                if (null == target)
                {
                    return SendResult.DEADLINE_NOT_CONNECTED;
                }
                target.deliver(id, source, length);
                bytes += length;
                return SendResult.SENT;
            }

            @Override
            public void begin(final MessageId id, final DirectBuffer source, final long deadlineNs)
            {
                if (null != pendingId)
                {
                    throw new IllegalStateException("a message is still in flight; cannot begin " + id);
                }
                pendingId = id;
                pendingSource = source;
                pendingLength = id.compression().isVariableLength() ? -1 : id.byteLength();
                pendingReady = -1;
            }

            @Override
            public void begin(
                final MessageId id, final DirectBuffer source, final int length, final long deadlineNs,
                final BroadcastTags tags)
            {
                begin(id, source, deadlineNs);
                pendingLength = length;
            }

            @Override
            public void ready(final int bytes)
            {
                if (null == pendingId)
                {
                    throw new IllegalStateException("no message in flight to make ready");
                }
                pendingReady = bytes;
            }

            /** A message is one chunk here: delivered whole by the first call once all of it is ready. */
            @Override
            public SendResult progress()
            {
                if (null == pendingId)
                {
                    return SendResult.SENT;
                }
                if (pendingReady >= 0 && pendingReady < pendingLength)
                {
                    return SendResult.PENDING;
                }
                final SendResult result = send(pendingId, pendingSource, pendingLength, 0);
                pendingId = null;
                pendingSource = null;
                return result;
            }

            @Override
            public boolean abandon()
            {
                final boolean inFlight = null != pendingId;
                pendingId = null;
                pendingSource = null;
                return inFlight;
            }

            @Override
            public long bytesSent()
            {
                return bytes;
            }

            @Override
            public void close()
            {
            }
        };
    }

    @Override
    public void expect(
        final MessageId id, final MutableDirectBuffer destination, final long deadlineNs, final Arrival arrival)
    {
        if (closed)
        {
            arrival.onArrival(id, false);
            return;
        }
        final Expectation expectation = new Expectation(destination, arrival, new ScheduledFuture<?>[1]);
        if (null != expected.putIfAbsent(id, expectation))
        {
            throw new IllegalStateException("already expecting " + id);
        }
        expectation.timer()[0] = network.schedule(() ->
        {
            if (expected.remove(id, expectation))
            {
                endIncomplete(id);
                tell(arrival, id, false);
            }
        }, deadlineNs);
    }

    @Override
    public int cancelFrom(final int sender)
    {
        int count = 0;
        synchronized (copying)
        {
            for (final MessageId id : expected.keySet())
            {
                final Expectation expectation = id.senderId() == sender ? expected.remove(id) : null;
                if (null != expectation)
                {
                    cancelTimer(expectation);
                    ended.put(id, false);
                    count++;
                }
            }
        }
        cancelled.addAndGet(count);
        return count;
    }

    /** @return expectations cancelled so far. */
    public long cancelledMessages()
    {
        return cancelled.get();
    }

    private void deliver(final MessageId id, final DirectBuffer source, final int length)
    {
        final Expectation expectation;
        synchronized (copying)
        {
            expectation = expected.remove(id);
            if (null != expectation)
            {
                ended.put(id, true);
                if (length > expectation.destination().capacity())
                {
                    throw new IllegalStateException(id + ": " + length + " bytes do not fit the destination's " +
                        expectation.destination().capacity());
                }
                expectation.destination().putBytes(0, source, 0, length);
            }
        }
        if (null == expectation)
        {
            dropped.incrementAndGet();
            final Boolean delivered = ended.get(id);
            if (null == delivered)
            {
                unexpected.incrementAndGet();
                return;
            }
            (delivered ? duplicates : late).incrementAndGet();
            staleByKind.incrementAndGet(id.kind().ordinal());
            return;
        }
        cancelTimer(expectation);
        tell(expectation.arrival(), id, true, length);
    }

    private static void cancelTimer(final Expectation expectation)
    {
        final ScheduledFuture<?> timer = expectation.timer()[0];
        if (null != timer)
        {
            timer.cancel(false);
        }
    }

    /** As the Aeron plane: an arrival that throws is kept and thrown by every {@link #await} from then on. */
    private void tell(final Arrival arrival, final MessageId id, final boolean complete)
    {
        tell(arrival, id, complete, -1);
    }

    private void tell(final Arrival arrival, final MessageId id, final boolean complete, final int length)
    {
        try
        {
            arrival.onArrival(id, complete, length);
        }
        catch (final RuntimeException | Error ex)
        {
            if (null == callbackFailure)
            {
                callbackFailure = new IllegalStateException("the data-plane callback for " + id + " threw: " + ex, ex);
            }
        }
    }

    @Override
    public boolean await(final BooleanSupplier done, final IntSupplier work, final long deadlineNs)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
        while (true)
        {
            final RuntimeException failed = callbackFailure;
            if (null != failed)
            {
                throw failed;
            }
            if (done.getAsBoolean())
            {
                return true;
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            idle.idle(work.getAsInt());
        }
    }

    /** @return messages that arrived when nobody expected them (late, duplicate or unknown). */
    public long droppedMessages()
    {
        return dropped.get();
    }

    @Override
    public TransportStats stats()
    {
        return new TransportStats(0, duplicates.get(), late.get(), 0, 0, unexpected.get(), 0, 0, incomplete.get(),
            late.get(), duplicates.get());
    }

    @Override
    public long staleMessages(final MessageKind kind)
    {
        return staleByKind.get(kind.ordinal());
    }

    private void endIncomplete(final MessageId id)
    {
        ended.put(id, false);
        incomplete.incrementAndGet();
    }

    @Override
    public void close()
    {
        closed = true;
        network.remove(endpoint);
        for (final MessageId id : expected.keySet())
        {
            final Expectation expectation = expected.remove(id);
            if (null != expectation)
            {
                cancelTimer(expectation);
                endIncomplete(id);
                tell(expectation.arrival(), id, false);
            }
        }
    }
}
