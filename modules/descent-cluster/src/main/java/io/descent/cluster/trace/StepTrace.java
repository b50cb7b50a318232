package io.descent.cluster.trace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the phases of a synchronous step with {@code System.nanoTime()} on the logger {@code io.descent.cluster.trace}
 * at debug level, one line per event: {@code step-trace <nanos> <event> <step> <rank>}. {@code nanoTime} is the
 * monotonic clock every process on a Linux host shares, so the logs of a parameter server and its workers on one
 * machine merge into a cross-process timeline (e.g. {@code DESCENT_LOG_LEVEL=DEBUG descent train ...}).
 *
 * <p>Off (one volatile-free level check) unless that logger is at debug. Thread-safe; allocates only when on.
 */
public final class StepTrace
{
    private static final Logger LOG = LoggerFactory.getLogger(StepTrace.class.getPackageName());

    private StepTrace()
    {
    }

    /** @return true when marks are logged. */
    public static boolean enabled()
    {
        return LOG.isDebugEnabled();
    }

    /**
     * @param event what happened, e.g. {@code s.sum}; the first letter names the side ({@code s} server, {@code w}
     *              worker).
     * @param step  the step it belongs to.
     * @param rank  the worker rank it concerns, or -1.
     */
    public static void mark(final String event, final long step, final int rank)
    {
        if (LOG.isDebugEnabled())
        {
            LOG.debug("step-trace {} {} {} {}", System.nanoTime(), event, step, rank);
        }
    }
}
