package io.descent.transport.config;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How a thread waits when it finds no work: a kind and, for parking kinds, the longest park. Immutable, thread-safe;
 * {@link #newStrategy()} makes a fresh (stateful, single-thread) {@link IdleStrategy} for each thread.
 *
 * @param kind       the strategy.
 * @param maxParkNs  the longest park of {@code backoff} and the park of {@code sleeping}, in nanoseconds.
 */
public record IdleSetting(Kind kind, long maxParkNs)
{
    /** The idle strategies a setting may name. */
    public enum Kind
    {
        /** Spin, then yield, then park with exponential back-off up to the max park. Production default. */
        BACKOFF,
        /** Always park for the max park. Lowest CPU, highest wake-up latency. */
        SLEEPING,
        /** {@link Thread#yield()}: a runnable thread that gives way; still costs CPU on a busy box. */
        YIELDING,
        /** Never sleeps: takes a whole core. Benchmarks only. */
        BUSY_SPIN
    }

    /** A back-off strategy parking at most {@code maxParkNs}. */
    public static IdleSetting backoff(final long maxParkNs)
    {
        return new IdleSetting(Kind.BACKOFF, maxParkNs);
    }

    /** Busy spin: for benchmarks that own the machine. */
    public static IdleSetting busySpin()
    {
        return new IdleSetting(Kind.BUSY_SPIN, 0);
    }

    static IdleSetting read(final SettingsReader reader, final String kindKey, final String maxParkKey)
    {
        final Kind kind = reader.choice(kindKey, Kind.class);
        final long maxPark = reader.nanos(maxParkKey, java.time.Duration.ofNanos(1000), java.time.Duration.ofSeconds(1));
        return new IdleSetting(kind, maxPark);
    }

    /** @return a new idle strategy for one thread. */
    public IdleStrategy newStrategy()
    {
        switch (kind)
        {
            case SLEEPING:
                return new SleepingIdleStrategy(maxParkNs);
            case YIELDING:
                return new YieldingIdleStrategy();
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case BACKOFF:
            default:
                return new BackoffIdleStrategy(
                    10, 20, Math.min(TimeUnit.MICROSECONDS.toNanos(1), maxParkNs), maxParkNs);
        }
    }

    @Override
    public String toString()
    {
        final String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return kind == Kind.BACKOFF || kind == Kind.SLEEPING ? name + "(max-park " + maxParkNs + " ns)" : name;
    }
}
