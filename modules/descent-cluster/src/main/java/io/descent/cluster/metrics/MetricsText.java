package io.descent.cluster.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text format {@link MetricsServer} serves: one {@link Sample} per sample line, comments skipped.
 * For whoever scrapes a node's {@code /metrics} (the soak benchmark, tests). Stateless and thread-safe.
 */
public final class MetricsText
{
    /**
     * One sample line: {@code name{labels} value}.
     *
     * @param name   the sample's name, e.g. {@code descent_steps_total}.
     * @param labels its labels in the order written.
     * @param value  its value ({@code +Inf}, {@code -Inf} and {@code NaN} included).
     */
    public record Sample(String name, Map<String, String> labels, double value)
    {
    }

    private MetricsText()
    {
    }

    /**
     * @param body a text-format exposition.
     * @return its samples, in order.
     * @throws RuntimeException (NumberFormatException, StringIndexOutOfBoundsException) on a malformed line.
     */
    public static List<Sample> parse(final String body)
    {
        final List<Sample> samples = new ArrayList<>();
        for (final String line : body.split("\n"))
        {
            if (!line.isBlank() && !line.startsWith("#"))
            {
                samples.add(parseLine(line));
            }
        }
        return samples;
    }

    private static Sample parseLine(final String line)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        final int brace = line.indexOf('{');
        final int space = line.indexOf(' ');
        int i;
        final String name;
        if (brace >= 0 && brace < space)
        {
            name = line.substring(0, brace);
            i = brace + 1;
            while (line.charAt(i) != '}')
            {
                final int eq = line.indexOf("=\"", i);
                final String key = line.substring(i, eq);
                final StringBuilder value = new StringBuilder();
                i = eq + 2;
                while (line.charAt(i) != '"')
                {
                    value.append(line.charAt(i) == '\\' ? line.charAt(++i) : line.charAt(i));
                    i++;
                }
                labels.put(key, value.toString());
                i++;
                if (line.charAt(i) == ',')
                {
                    i++;
                }
            }
            i++;
        }
        else
        {
            name = line.substring(0, space);
            i = space;
        }
        final String value = line.substring(i).trim().split(" ")[0];
        return new Sample(name, labels, switch (value)
        {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(value);
        });
    }
}
