package io.descent.cluster.dataplane;

import io.descent.transport.send.SendResult;
import io.descent.transport.wire.MessageId;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A {@link DataPlane} that copies buffers in memory, on the sender's thread, into the receiver's expected
 * destination: the semantics of the Aeron plane (expect before send, unexpected messages dropped and counted,
 * incomplete at the deadline) without a media driver. For ActorTestKit tests. Thread-safe.
 */
public final class InMemoryDataPlane implements DataPlane
{
    private final InMemoryNetwork network;
    private final String endpoint;
    private final Map<MessageId, Expectation> expected = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

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
    public Outlet outlet(final String peer)
    {
        return new Outlet()
        {
            private long bytes;

            @Override
            public SendResult send(final MessageId id, final DirectBuffer source, final long deadlineNs)
            {
                final InMemoryDataPlane target = network.lookup(peer);
                if (null == target)
                {
                    return SendResult.DEADLINE_NOT_CONNECTED;
                }
                target.deliver(id, source);
                bytes += id.byteLength();
                return SendResult.SENT;
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
                arrival.onArrival(id, false);
            }
        }, deadlineNs);
    }

    private void deliver(final MessageId id, final DirectBuffer source)
    {
        final Expectation expectation = expected.remove(id);
        if (null == expectation)
        {
            dropped.incrementAndGet();
            return;
        }
        cancelTimer(expectation);
        expectation.destination().putBytes(0, source, 0, id.byteLength());
        expectation.arrival().onArrival(id, true);
    }

    private static void cancelTimer(final Expectation expectation)
    {
        final ScheduledFuture<?> timer = expectation.timer()[0];
        if (null != timer)
        {
            timer.cancel(false);
        }
    }

    @Override
    public boolean await(final BooleanSupplier done, final long deadlineNs)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    /** @return messages that arrived when nobody expected them (late, duplicate or unknown). */
    public long droppedMessages()
    {
        return dropped.get();
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
                expectation.arrival().onArrival(id, false);
            }
        }
    }
}
