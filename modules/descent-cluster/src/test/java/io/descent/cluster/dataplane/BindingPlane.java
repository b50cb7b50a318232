package io.descent.cluster.dataplane;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;
import io.descent.transport.wire.MessageId;
import io.descent.transport.wire.MessageKind;
import org.agrona.MutableDirectBuffer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * A data plane that records the key it was told to authenticate under and the session each sender was bound to,
 * and otherwise is the plane it wraps: for tests that attack a node from the outside knowing what it accepts.
 * Thread-safe.
 */
public final class BindingPlane implements DataPlane
{
    private final DataPlane plane;
    private final Map<Integer, Integer> sessions = new ConcurrentHashMap<>();
    private volatile DataKey key;

    /** @param plane the plane to wrap. */
    public BindingPlane(final DataPlane plane)
    {
        this.plane = plane;
    }

    /** @return the key of the last {@link #authenticate}, or null. */
    public DataKey key()
    {
        return key;
    }

    /** @return the session each sender id was last bound to. */
    public Map<Integer, Integer> sessions()
    {
        return Map.copyOf(sessions);
    }

    @Override
    public void authenticate(final ChunkAuth auth, final DataKey newKey)
    {
        key = newKey;
        plane.authenticate(auth, newKey);
    }

    @Override
    public ChunkAuth auth()
    {
        return plane.auth();
    }

    @Override
    public void bindSender(final int sender, final int sessionId)
    {
        sessions.put(sender, sessionId);
        plane.bindSender(sender, sessionId);
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
    public Outlet outlet(final String endpoint, final int sessionId)
    {
        return plane.outlet(endpoint, sessionId);
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
