package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One compute-only process of {@link ComputeCeiling} ({@link CeilingLoopCommand}): its windows asked on its
 * standard input, its answer lines read on a thread of their own, its end.
 */
final class CeilingProcess
{
    /**
     * The process's result of one window.
     *
     * @param steps          steps run.
     * @param samples        examples they computed.
     * @param seconds        the window's wall time, barrier waits included.
     * @param computeSeconds the steps' own time, without the barrier's waits (the wall time when running free).
     */
    record Window(long steps, long samples, double seconds, double computeSeconds)
    {
        double samplesPerSec()
        {
            return samples / seconds;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CeilingProcess.class);

    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    CeilingProcess(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
        final Thread reader = new Thread(this::read, "descent-ceiling-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            for (String line = in.readLine(); null != line; line = in.readLine())
            {
                if (line.startsWith(CeilingLoopCommand.PREFIX))
                {
                    lines.add(line);
                }
            }
        }
        catch (final IOException ex)
        {
            lines.add(CeilingLoopCommand.PREFIX + "unreadable output: " + ex.getMessage());
        }
        lines.add(CeilingLoopCommand.PREFIX + "exited");
    }

    String await(final String prefix, final long timeoutSeconds) throws InterruptedException
    {
        final String line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (null == line || !line.startsWith(prefix))
        {
            throw new IllegalStateException("compute-only process " + process.pid() + " did not print '" +
                prefix.strip() + "' within " + timeoutSeconds + " s (" + (null == line ? "no answer" : line) +
                "); its log is " + log);
        }
        return line;
    }

    void send(final String command)
    {
        try
        {
            final OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("sending '" + command + "' to compute-only process " + process.pid() +
                "; its log is " + log, ex);
        }
    }

    Window window(final String json)
    {
        try
        {
            final JsonNode result = JsonReports.mapper().readTree(json);
            final double seconds = result.get("seconds").asDouble();
            return new Window(result.get("steps").asLong(), result.get("samples").asLong(), seconds,
                result.path("compute_seconds").asDouble(seconds));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading the result of compute-only process " + process.pid() +
                ": " + json, ex);
        }
    }

    void stop()
    {
        try
        {
            process.getOutputStream().close();
        }
        catch (final IOException ex)
        {
            // Closing stdin only tells a waiting process to leave; it is destroyed below either way.
            LOG.debug("closing the input of compute-only process {}", process.pid(), ex);
        }
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
