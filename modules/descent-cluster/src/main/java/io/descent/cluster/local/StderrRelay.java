package io.descent.cluster.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Passes a child's standard error to this process's, line by line, until the launcher is being stopped: from then
 * on the child's lines go to the launcher's log instead, because a node complaining that its peers went away is the
 * stop the user asked for, not news. One daemon thread per child, ending at the child's end of stream (its exit).
 */
final class StderrRelay
{
    private static final Logger LOG = LoggerFactory.getLogger(StderrRelay.class);

    private final String name;
    private final InputStream source;
    private final PrintStream terminal;
    private final BooleanSupplier stopping;
    private final Thread thread;

    private StderrRelay(
        final String name, final InputStream source, final PrintStream terminal, final BooleanSupplier stopping)
    {
        this.name = name;
        this.source = source;
        this.terminal = terminal;
        this.stopping = stopping;
        this.thread = new Thread(this::run, "descent-stderr-" + name);
        thread.setDaemon(true);
    }

    /**
     * @param name     the child's name, for the log.
     * @param source   the child's standard error ({@link Process#getErrorStream()}).
     * @param terminal where its lines go while {@code stopping} is false (this process's standard error).
     * @param stopping true once the launcher is being stopped; read for every line, from the relay's thread.
     * @return the running relay.
     */
    static StderrRelay start(
        final String name, final InputStream source, final PrintStream terminal, final BooleanSupplier stopping)
    {
        final StderrRelay relay = new StderrRelay(name, source, terminal, stopping);
        relay.thread.start();
        return relay;
    }

    /** Waits up to {@code timeout} for the child's last line to be passed on (the child should have exited). */
    void await(final Duration timeout) throws InterruptedException
    {
        thread.join(Math.max(1, timeout.toMillis()));
    }

    private void run()
    {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = lines.readLine()))
            {
                if (stopping.getAsBoolean())
                {
                    LOG.info("{} (stderr, while stopping): {}", name, line);
                }
                else
                {
                    terminal.println(line);
                }
            }
        }
        catch (final IOException ex)
        {
            LOG.debug("standard error of {} ended: {}", name, ex.toString());
        }
    }
}
