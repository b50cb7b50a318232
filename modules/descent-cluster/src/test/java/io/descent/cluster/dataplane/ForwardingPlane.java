package io.descent.cluster.dataplane;

import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.MutableDirectBuffer;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A data plane that hands each of {@link DataPlane}'s own methods to the plane it wraps (the interface's defaults —
 * sessions, authentication — stay the defaults unless a subclass overrides them): the base of test planes that
 * watch one thing and are otherwise the wrapped plane. Thread-safe if the wrapped plane is.
 */
public abstract class ForwardingPlane implements DataPlane
{
    /** The wrapped plane. */
    protected final DataPlane plane;

    /** @param plane the plane to wrap. */
    protected ForwardingPlane(final DataPlane plane)
    {
        this.plane = plane;
    }

    @Override
    public String endpoint()
    {
        return plane.endpoint();
    }

    @Override
    public Outlet outlet(final String endpoint)
    {
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
