package io.descent.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.util.List;

/**
 * Keeps two kinds of log events off the terminal (the stderr appender of logback.xml), leaving them to the log
 * file: events marked {@link #LOG_ONLY} (the stack trace behind a one-line error the command already printed), and,
 * once this JVM has begun to exit (SIGTERM, SIGINT, {@code System.exit}), everything below ERROR: during an orderly
 * shutdown, peers going away (Akka's "the connection has been aborted", association failures, a server dropping
 * workers that stop with it) is expected, not news. Errors, and every warning before the exit began, still reach
 * the terminal.
 *
 * <p>Learns that the JVM is exiting from a shutdown hook it registers on {@link #start()}. Thread-safe.
 */
public final class TerminalFilter extends Filter<ILoggingEvent>
{
    /** Marks an event for the log file only. */
    public static final Marker LOG_ONLY = MarkerFactory.getMarker("LOG_ONLY");

    private final Thread hook = new Thread(this::onExit, "descent-log-exit");
    private volatile boolean exiting;

    @Override
    public void start()
    {
        try
        {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        catch (final IllegalStateException alreadyExiting)
        {
            exiting = true;
        }
        super.start();
    }

    @Override
    public void stop()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException | IllegalArgumentException exitingOrNotRegistered)
        {
            // Nothing to undo: the hook runs (or ran) with the JVM's exit, or was never registered.
        }
        super.stop();
    }

    @Override
    public FilterReply decide(final ILoggingEvent event)
    {
        if (isLogOnly(event.getMarkerList()))
        {
            return FilterReply.DENY;
        }
        if (exiting && event.getLevel().toInt() < Level.ERROR_INT)
        {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /** What the shutdown hook does; from then on warnings go to the log file only. */
    void onExit()
    {
        exiting = true;
    }

    private static boolean isLogOnly(final List<Marker> markers)
    {
        if (null == markers)
        {
            return false;
        }
        for (final Marker marker : markers)
        {
            if (marker.contains(LOG_ONLY))
            {
                return true;
            }
        }
        return false;
    }
}
