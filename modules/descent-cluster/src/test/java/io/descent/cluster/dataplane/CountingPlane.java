package io.descent.cluster.dataplane;

import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.MutableDirectBuffer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** A data plane that counts the outlets opened through it and otherwise is the plane it wraps. Thread-safe. */
public final class CountingPlane implements DataPlane
{
    private final DataPlane plane;
    private final AtomicInteger outlets = new AtomicInteger();

    /** @param plane the plane to wrap. */
    public CountingPlane(final DataPlane plane)
    {
        this.plane = plane;
    }

    /** @return outlets opened so far. */
    public int outlets()
    {
        return outlets.get();
    }

    @Override
    public String endpoint()
    {
        return plane.endpoint();
    }

    @Override
    public Outlet outlet(final String endpoint)
    {
        outlets.incrementAndGet();
        return plane.outlet(endpoint);
    }

    @Override
    public String validate(final String endpoint)
    {
        return plane.validate(endpoint);
    }

    @Override
    public int cancelFrom(final int sender)
    {
        return plane.cancelFrom(sender);
    }

    @Override
    public void expect(
        final MessageId id, final MutableDirectBuffer destination, final long deadlineNs, final Arrival arrival)
    {
        plane.expect(id, destination, deadlineNs, arrival);
    }

    @Override
    public boolean await(final BooleanSupplier done, final IntSupplier work, final long deadlineNs)
    {
        return plane.await(done, work, deadlineNs);
    }

    @Override
    public TransportStats stats()
    {
        return plane.stats();
    }

    @Override
    public long staleMessages(final MessageKind kind)
    {
        return plane.staleMessages(kind);
    }

    @Override
    public void close()
    {
        plane.close();
    }
}
