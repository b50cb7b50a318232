package io.descent.bench.soak;

import java.util.LinkedHashMap;
import java.util.Map;

/** The soak report's small pieces: numbers (NaN as null), growths, samples, megabytes for the console. Stateless. */
final class SoakJson
{
    private SoakJson()
    {
    }

    /** @return the value, or null for NaN (JSON has no NaN). */
    static Double number(final double value)
    {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }

    static Map<String, Object> growth(final Growth growth)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("samples", growth.samples());
        json.put("first", number(growth.first()));
        json.put("last", number(growth.last()));
        json.put("mean", number(growth.mean()));
        json.put("growth_per_hour", number(growth.perHour()));
        json.put("growth_pct_per_hour", number(growth.percentPerHour()));
        json.put("growth_per_step", number(growth.perStep()));
        return json;
    }

    static Map<String, Object> sample(final MemorySample sample)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("t_s", sample.seconds());
        json.put("steps", number(sample.steps()));
        json.put("rss_bytes", number(sample.residentBytes()));
        json.put("rss_anon_bytes", number(sample.anonymousBytes()));
        json.put("heap_after_gc_bytes", number(sample.heapAfterGc()));
        json.put("javacpp_bytes", number(sample.javacppBytes()));
        json.put("nd4j_allocations", number(sample.nd4jAllocations()));
        json.put("forced_gcs", number(sample.forcedGcs()));
        return json;
    }

    /** @return bytes as e.g. {@code 1234.5 MB}, or {@code n/a}. */
    static String megabytes(final double bytes)
    {
        return Double.isNaN(bytes) ? "n/a" : String.format("%.1f MB", bytes / 1e6);
    }
}
