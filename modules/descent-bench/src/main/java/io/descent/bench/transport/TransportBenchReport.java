package io.descent.bench.transport;

import io.descent.transport.config.TransportSettings;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON report and the table of {@code descent bench transport}. Report fields (stable):
 * {@code results[] {size_bytes, channel, gb_per_s}}, {@code ipc_vs_memcpy}, {@code udp_vs_memcpy},
 * {@code ipc_vs_artery}, {@code udp_vs_tcp} (ratios of median throughputs at the largest size; null when a channel
 * was not measured), {@code mac_vs_plain} (for each MAC'd channel measured with its plain one, e.g.
 * {@code ipc-hmac} with {@code ipc}: its throughput ÷ the plain channel's, the median over transfers of the two
 * interleaved, at each size: {@code {"ipc-hmac": {"2097152": 0.81, ...}}}), {@code mac_ceiling} (for each MAC'd
 * channel whose MAC was also measured alone, e.g. {@code ipc-gmac} with {@code gmac-only}: min(1, MAC rate ÷ plain
 * rate) at each size, the bound of {@code mac_vs_plain}), {@code mac_cpu_bound} (for each MAC'd channel measured
 * with its plain one, both with CPU times: the busier side's bytes per CPU-second ÷ the plain channel's, at each size,
 * the ratio the two reach when neither side ever waits), plus {@code settings} describing the run. A result row of a
 * channel with two sides of its own also gives {@code sender_gb_per_cpu_s} and {@code receiver_gb_per_cpu_s}.
 */
final class TransportBenchReport
{
    private TransportBenchReport()
    {
    }

    static Map<String, Object> build(
        final List<ThroughputRun.Measurement> measurements, final int largest,
        final Map<String, Map<String, Object>> macRatios, final TransportSettings settings, final boolean spin,
        final Map<String, Object> geometry)
    {
        final List<Map<String, Object>> results = new ArrayList<>();
        for (final ThroughputRun.Measurement m : measurements)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("size_bytes", m.sizeBytes());
            row.put("channel", m.channel());
            row.put("gb_per_s", round(m.medianGbPerS()));
            row.put("best_gb_per_s", round(m.bestGbPerS()));
            row.put("repeats", m.repeats());
            if (m.hasCpu())
            {
                row.put("sender_gb_per_cpu_s", round(m.senderGbPerCpuS()));
                row.put("receiver_gb_per_cpu_s", round(m.receiverGbPerCpuS()));
            }
            results.add(row);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("results", results);
        json.put("ipc_vs_memcpy", ratio(measurements, largest, "ipc", "memcpy"));
        json.put("udp_vs_memcpy", ratio(measurements, largest, "udp", "memcpy"));
        json.put("ipc_vs_artery", ratio(measurements, largest, "ipc", "artery"));
        json.put("udp_vs_tcp", ratio(measurements, largest, "udp", "tcp"));
        // Weight broadcast to two receivers: one multi-destination-cast publication vs one publication each.
        json.put("mdc_vs_fanout", ratio(measurements, largest, "mdc", "fanout"));
        json.put("mac_vs_plain", macRatios);
        json.put("mac_ceiling", macCeilings(measurements));
        json.put("mac_cpu_bound", macCpuBound(measurements));
        final Map<String, Object> described = new LinkedHashMap<>(geometry);
        described.put("largest_size_bytes", largest);
        described.put("idle", spin ? "busy-spin" : "production defaults");
        described.put("driver_threading", settings.driver().threadingMode().toString().toLowerCase());
        described.put("receiver_idle", settings.receiver().idle().toString());
        described.put("driver_idle", settings.driver().idle().toString());
        described.put("ipc_term_bytes", settings.driver().ipcTermLength());
        described.put("udp_term_bytes", settings.driver().termLength());
        described.put("ipc_mtu", settings.driver().ipcMtu());
        described.put("udp_mtu", settings.driver().mtu());
        described.put("udp_loopback_mtu", settings.driver().loopbackMtu());
        described.put("available_processors", Runtime.getRuntime().availableProcessors());
        json.put("settings", described);
        return json;
    }

    static void printTable(
        final PrintWriter out, final List<ThroughputRun.Measurement> measurements, final List<Integer> sizes,
        final List<String> channels, final Map<String, Object> json)
    {
        out.println();
        out.printf("%-8s", "size");
        for (final String channel : channels)
        {
            out.printf(" %10s", channel);
        }
        out.println("   (GB/s, median)");
        for (final int size : sizes)
        {
            out.printf("%-8s", SizeList.format(size));
            for (final String channel : channels)
            {
                final Double value = median(measurements, size, channel);
                out.printf(" %10s", null == value ? "-" : String.format("%.3f", value));
            }
            out.println();
        }
        out.println();
        for (final String key : List.of("ipc_vs_memcpy", "udp_vs_memcpy", "ipc_vs_artery", "udp_vs_tcp"))
        {
            final Object value = json.get(key);
            out.printf("%-14s %s%n", key, null == value ? "-" : String.format("%.4g", (Double)value));
        }
        printRatios(out, json, "mac_vs_plain", "/plain");
        printRatios(out, json, "mac_ceiling", " ceiling");
        printRatios(out, json, "mac_cpu_bound", " cpu-bound");
    }

    /**
     * @return for each MAC'd channel whose MAC was also measured alone ({@code ipc-gmac} with {@code gmac-only} and
     * {@code ipc}), at each size: min(1, MAC rate ÷ plain rate), the best MAC'd ÷ plain ratio a transfer can reach
     * when each side must tag or check every byte at that rate and that work overlaps the transfer perfectly.
     */
    static Map<String, Map<String, Object>> macCeilings(final List<ThroughputRun.Measurement> measurements)
    {
        final Map<String, Map<String, Object>> ceilings = new LinkedHashMap<>();
        for (final ThroughputRun.Measurement m : measurements)
        {
            final int dash = m.channel().indexOf('-');
            if (dash < 0 || !(m.channel().startsWith("ipc") || m.channel().startsWith("udp")))
            {
                continue;
            }
            final Double alone = median(measurements, m.sizeBytes(), m.channel().substring(dash + 1) + "-only");
            final Double plain = median(measurements, m.sizeBytes(), m.channel().substring(0, dash));
            if (null != alone && null != plain && plain > 0)
            {
                ceilings.computeIfAbsent(m.channel(), k -> new LinkedHashMap<>())
                    .put(Integer.toString(m.sizeBytes()), significant(Math.min(1.0, alone / plain)));
            }
        }
        return ceilings;
    }

    /**
     * @return for each MAC'd channel measured with its plain one ({@code ipc-poly} with {@code ipc}), both with their
     * sides' CPU times, at each size: the MAC'd channel's busier side's bytes per CPU-second ÷ the plain channel's.
     * When neither side waits (a transport with no idle time) a transfer runs at its busier side's rate, so this is the
     * MAC'd ÷ plain ratio of such a transport; a measured ratio above it means the plain transfer left its sides idle.
     */
    static Map<String, Map<String, Object>> macCpuBound(final List<ThroughputRun.Measurement> measurements)
    {
        final Map<String, Map<String, Object>> bounds = new LinkedHashMap<>();
        for (final ThroughputRun.Measurement m : measurements)
        {
            final int dash = m.channel().indexOf('-');
            if (dash < 0 || !m.hasCpu())
            {
                continue;
            }
            final ThroughputRun.Measurement plain = find(measurements, m.sizeBytes(), m.channel().substring(0, dash));
            if (null != plain && plain.hasCpu())
            {
                bounds.computeIfAbsent(m.channel(), k -> new LinkedHashMap<>()).put(Integer.toString(m.sizeBytes()),
                    significant(m.busierSideGbPerCpuS() / plain.busierSideGbPerCpuS()));
            }
        }
        return bounds;
    }

    private static ThroughputRun.Measurement find(
        final List<ThroughputRun.Measurement> measurements, final int size, final String channel)
    {
        ThroughputRun.Measurement found = null;
        for (final ThroughputRun.Measurement m : measurements)
        {
            if (m.sizeBytes() == size && m.channel().equals(channel))
            {
                found = m;
            }
        }
        return found;
    }

    private static void printRatios(final PrintWriter out, final Map<String, Object> json, final String key,
        final String suffix)
    {
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> macs = (Map<String, Map<String, Object>>)json.get(key);
        for (final Map.Entry<String, Map<String, Object>> mac : macs.entrySet())
        {
            out.printf("%-14s", mac.getKey() + suffix);
            for (final Map.Entry<String, Object> bySize : mac.getValue().entrySet())
            {
                out.printf(" %s %.3f", SizeList.format(Integer.parseInt(bySize.getKey())), (Double)bySize.getValue());
            }
            out.println();
        }
    }

    private static Double ratio(
        final List<ThroughputRun.Measurement> measurements, final int size, final String a, final String b)
    {
        final Double x = median(measurements, size, a);
        final Double y = median(measurements, size, b);
        return null == x || null == y || y == 0 ? null : significant(x / y);
    }

    private static Double median(final List<ThroughputRun.Measurement> measurements, final int size, final String channel)
    {
        final ThroughputRun.Measurement found = find(measurements, size, channel);
        return null == found ? null : found.medianGbPerS();
    }

    /** A ratio to 4 significant digits: a slow channel's tiny ratio stays above zero (3 decimals made it 0). */
    static double significant(final double value)
    {
        return new BigDecimal(value).round(new MathContext(4)).doubleValue();
    }

    private static double round(final double value)
    {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
