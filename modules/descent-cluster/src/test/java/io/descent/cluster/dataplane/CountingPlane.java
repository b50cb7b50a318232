package io.descent.cluster.dataplane;

import java.util.concurrent.atomic.AtomicInteger;

/** A data plane that counts the outlets opened through it and otherwise is the plane it wraps. Thread-safe. */
public final class CountingPlane extends ForwardingPlane
{
    private final AtomicInteger outlets = new AtomicInteger();

    /** @param plane the plane to wrap. */
    public CountingPlane(final DataPlane plane)
    {
        super(plane);
    }

    /** @return outlets opened so far. */
    public int outlets()
    {
        return outlets.get();
    }

    @Override
    public Outlet outlet(final String endpoint)
    {
        outlets.incrementAndGet();
        return plane.outlet(endpoint);
    }
}
