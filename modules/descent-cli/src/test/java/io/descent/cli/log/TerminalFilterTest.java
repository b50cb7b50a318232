package io.descent.cli.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What reaches the terminal before and after the JVM begins to exit, and what never does. */
class TerminalFilterTest
{
    private final LoggerContext context = new LoggerContext();
    private final TerminalFilter filter = new TerminalFilter();

    @BeforeEach
    void start()
    {
        filter.setContext(context);
        filter.start();
    }

    @AfterEach
    void stop()
    {
        filter.stop();
    }

    @Test
    void shouldPassWarningsAndErrorsUntilTheJvmExits()
    {
        assertEquals(FilterReply.NEUTRAL, filter.decide(event("akka.stream.Materializer", Level.WARN)));
        assertEquals(FilterReply.NEUTRAL, filter.decide(event("io.descent.cluster.server.Membership", Level.WARN)));
        assertEquals(FilterReply.NEUTRAL, filter.decide(event("akka.actor.OneForOneStrategy", Level.ERROR)));
    }

    @Test
    void shouldKeepWarningsButNotErrorsOffTheTerminalOnceTheJvmExits()
    {
        filter.onExit();
        assertEquals(FilterReply.DENY, filter.decide(event("akka.stream.Materializer", Level.WARN)));
        assertEquals(FilterReply.DENY, filter.decide(event("io.descent.cluster.server.Membership", Level.WARN)));
        assertEquals(FilterReply.NEUTRAL, filter.decide(event("akka.actor.OneForOneStrategy", Level.ERROR)));
        assertEquals(FilterReply.NEUTRAL, filter.decide(event("io.descent.cli.DescentCli", Level.ERROR)));
    }

    @Test
    void shouldKeepLogOnlyEventsOffTheTerminalAlways()
    {
        final LoggingEvent event = event("io.descent.cli.DescentCli", Level.ERROR);
        event.addMarker(TerminalFilter.LOG_ONLY);
        assertEquals(FilterReply.DENY, filter.decide(event));
    }

    private LoggingEvent event(final String logger, final Level level)
    {
        final Logger named = context.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), named, level, "message", null, null);
    }
}
