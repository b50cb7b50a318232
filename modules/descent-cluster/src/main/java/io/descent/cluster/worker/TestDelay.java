package io.descent.cluster.worker;

import io.descent.nn.error.BadInputException;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A test-only straggler: the environment variable {@value #ENV} (or, in one JVM, the system property
 * {@value #PROPERTY}) = {@code RANK:MILLIS} makes the worker of that rank pause that long before computing each step,
 * so tests can slow one worker on purpose (every worker of a local cluster inherits the variable; only the named rank
 * pauses). Unset: no pause. Immutable.
 */
final class TestDelay
{
    /** The environment variable, e.g. {@code 1:40} (rank 1 pauses 40 ms per step). */
    static final String ENV = "DESCENT_TEST_STEP_DELAY";
    /** The system property, for workers in a test's own JVM. */
    static final String PROPERTY = "descent.test.step-delay";
    private static final TestDelay NONE = new TestDelay(-1, 0);

    private final int rank;
    private final long nanos;

    private TestDelay(final int rank, final long nanos)
    {
        this.rank = rank;
        this.nanos = nanos;
    }

    /** @return the delay {@value #ENV} (else {@value #PROPERTY}) asks for, or none. */
    static TestDelay fromEnvironment(final Map<String, String> env)
    {
        final String value = env.getOrDefault(ENV, System.getProperty(PROPERTY));
        if (null == value || value.isBlank())
        {
            return NONE;
        }
        final String[] parts = value.trim().split(":");
        try
        {
            if (parts.length == 2)
            {
                return new TestDelay(Integer.parseInt(parts[0]), Long.parseLong(parts[1]) * 1_000_000L);
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new BadInputException("the environment variable " + ENV + " = '" + value + "' must be RANK:MILLIS, " +
            "e.g. 1:40 (a test-only delay), or unset");
    }

    /** Pauses when {@code workerRank} is the slowed rank (on the compute thread). */
    void pause(final int workerRank)
    {
        if (workerRank == rank && nanos > 0)
        {
            LockSupport.parkNanos(nanos);
        }
    }
}
