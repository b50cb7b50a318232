package io.descent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A report as one log line, {@value #PREFIX} then compact JSON, for where no file can be shared: the parameter
 * server prints it with {@code --print-report} and {@code descent bench scale --k8s} reads it from the pod's log.
 */
public final class ReportLine
{
    /** What the line starts with. */
    public static final String PREFIX = "descent-report: ";

    private ReportLine()
    {
    }

    /**
     * @param report the report (maps, lists, numbers, strings).
     * @return {@value #PREFIX} and the report as JSON on one line, without a line break.
     */
    public static String format(final Object report)
    {
        try
        {
            return PREFIX + JsonReports.line(report);
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException("serialising the report as one line", ex);
        }
    }

    /**
     * @param log a process's output, any number of lines.
     * @return the report of its last report line, or empty when it has none.
     * @throws UncheckedIOException when the last report line is not JSON (a truncated log).
     */
    public static Optional<JsonNode> find(final String log)
    {
        if (null == log)
        {
            return Optional.empty();
        }
        final String line = log.lines().filter(l -> l.startsWith(PREFIX)).reduce((first, second) -> second)
            .orElse(null);
        if (null == line)
        {
            return Optional.empty();
        }
        try
        {
            return Optional.of(JsonReports.mapper().readTree(line.substring(PREFIX.length())));
        }
        catch (final JsonProcessingException ex)
        {
            throw new UncheckedIOException("the report line in the log is not JSON: " +
                line.substring(0, Math.min(line.length(), 120)), ex);
        }
    }
}
