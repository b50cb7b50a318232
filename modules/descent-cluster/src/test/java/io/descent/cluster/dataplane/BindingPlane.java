package io.descent.cluster.dataplane;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.DataKey;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A data plane that records the key it was told to authenticate under and the session each sender was bound to,
 * and otherwise is the plane it wraps: for tests that attack a node from the outside knowing what it accepts.
 * Thread-safe.
 */
public final class BindingPlane extends ForwardingPlane
{
    private final Map<Integer, Integer> sessions = new ConcurrentHashMap<>();
    private volatile DataKey key;

    /** @param plane the plane to wrap. */
    public BindingPlane(final DataPlane plane)
    {
        super(plane);
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
    public Outlet outlet(final String endpoint, final int sessionId)
    {
        return plane.outlet(endpoint, sessionId);
    }
}
