package io.descent.transport.counters;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed set of monotonic counters named by an enum. Single writer (the sender's or receiver's thread) using
 * ordered stores, so increments cost no atomic read-modify-write; any thread may read them at any time.
 *
 * @param <E> the enum naming the counters.
 */
public final class CounterSet<E extends Enum<E>>
{
    private final Class<E> type;
    private final AtomicLongArray values;

    /** @param type the enum naming the counters. */
    public CounterSet(final Class<E> type)
    {
        this.type = type;
        this.values = new AtomicLongArray(type.getEnumConstants().length);
    }

    /**
     * Adds to a counter. Owner thread only.
     *
     * @param counter which.
     * @param delta   how much (non-negative).
     */
    public void add(final E counter, final long delta)
    {
        final int i = counter.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    /** Adds one to a counter. Owner thread only. */
    public void increment(final E counter)
    {
        add(counter, 1);
    }

    /** @return the current value of a counter. Any thread. */
    public long get(final E counter)
    {
        return values.get(counter.ordinal());
    }

    /** @return a snapshot of every counter, in declaration order. Any thread; allocates. */
    public Map<E, Long> snapshot()
    {
        final Map<E, Long> snapshot = new EnumMap<>(type);
        for (final E counter : type.getEnumConstants())
        {
            snapshot.put(counter, get(counter));
        }
        return snapshot;
    }

    @Override
    public String toString()
    {
        return snapshot().toString();
    }
}
