package io.descent.bench.soak;

import io.descent.cluster.local.LocalCluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's samples over the soak, and what they say after the warm-up: how its resident set, anonymous memory,
 * heap after GC and JavaCPP bytes grew ({@link Growth}), how many native allocations ND4J made per step, and how many
 * collections were forced. Confined to the soak's sampling thread.
 */
final class NodeTimeline
{
    private final LocalCluster.Node node;
    private final NodeScraper scraper;
    private final List<MemorySample> samples = new ArrayList<>();
    private int missed;

    NodeTimeline(final LocalCluster.Node node)
    {
        this.node = node;
        this.scraper = new NodeScraper(node.metricsPort());
    }

    /** Takes one sample now (a node that does not answer counts as a missed scrape). */
    void sample(final double seconds) throws InterruptedException
    {
        scraper.sample(seconds).ifPresentOrElse(samples::add, () -> missed++);
    }

    /** @return the node as it was started. */
    LocalCluster.Node node()
    {
        return node;
    }

    /** @return the node's name: {@code ps}, {@code worker-0}, … */
    String name()
    {
        return node.name();
    }

    List<MemorySample> samples()
    {
        return List.copyOf(samples);
    }

    /** @return the samples taken at or after {@code warmupSeconds}. */
    List<MemorySample> window(final double warmupSeconds)
    {
        return samples.stream().filter(s -> s.seconds() >= warmupSeconds).toList();
    }

    /** @return resident-set growth after the warm-up. */
    Growth residentGrowth(final double warmupSeconds)
    {
        return Growth.of(window(warmupSeconds), MemorySample::residentBytes);
    }

    /** @return collections forced by {@code System.gc()} after the warm-up (0 without samples). */
    long forcedAfterWarmup(final double warmupSeconds)
    {
        final List<MemorySample> window = window(warmupSeconds);
        return window.size() < 2 ? 0 :
            (long)(window.get(window.size() - 1).forcedGcs() - window.get(0).forcedGcs());
    }

    /** @return collections forced by {@code System.gc()} since the node's metrics started, as last sampled. */
    long forcedTotal()
    {
        return samples.isEmpty() ? 0 : (long)samples.get(samples.size() - 1).forcedGcs();
    }

    /** @return ND4J native allocations per training step after the warm-up, NaN without steps in the window. */
    double allocationsPerStep(final double warmupSeconds)
    {
        final List<MemorySample> window = window(warmupSeconds);
        if (window.size() < 2)
        {
            return Double.NaN;
        }
        final MemorySample first = window.get(0);
        final MemorySample last = window.get(window.size() - 1);
        final double steps = last.steps() - first.steps();
        return steps > 0 ? (last.nd4jAllocations() - first.nd4jAllocations()) / steps : Double.NaN;
    }

    /** @return this node's part of the JSON report. */
    Map<String, Object> json(final double warmupSeconds)
    {
        final List<MemorySample> window = window(warmupSeconds);
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("node", node.name());
        json.put("pid", node.pid());
        json.put("metrics_port", node.metricsPort());
        json.put("log", node.log());
        json.put("samples_total", samples.size());
        json.put("samples_after_warmup", window.size());
        json.put("missed_scrapes", missed);
        json.put("steps", samples.isEmpty() ? 0 : (long)samples.get(samples.size() - 1).steps());
        json.put("rss_bytes", SoakJson.growth(residentGrowth(warmupSeconds)));
        json.put("rss_anon_bytes", SoakJson.growth(Growth.of(window, MemorySample::anonymousBytes)));
        json.put("heap_after_gc_bytes", SoakJson.growth(Growth.of(window, MemorySample::heapAfterGc)));
        json.put("javacpp_bytes", SoakJson.growth(Growth.of(window, MemorySample::javacppBytes)));
        json.put("nd4j_allocations_per_step", SoakJson.number(allocationsPerStep(warmupSeconds)));
        json.put("forced_gcs", forcedTotal());
        json.put("forced_gcs_after_warmup", forcedAfterWarmup(warmupSeconds));
        json.put("samples", samples.stream().map(SoakJson::sample).toList());
        return json;
    }

    /** @return one line: the node's resident set and its growth, heap after GC, JavaCPP, allocations, forced GCs. */
    String summary(final double warmupSeconds)
    {
        final Growth rss = residentGrowth(warmupSeconds);
        final Growth heap = Growth.of(window(warmupSeconds), MemorySample::heapAfterGc);
        final Growth javacpp = Growth.of(window(warmupSeconds), MemorySample::javacppBytes);
        return String.format("%-9s rss %s -> %s, %+.2f %%/h (%+.0f B/step); heap after GC %s, %+.2f %%/h; " +
                "JavaCPP %s; ND4J allocations %.2f/step; forced GCs %d (%d after warm-up); %d samples",
            node.name(), SoakJson.megabytes(rss.first()), SoakJson.megabytes(rss.last()), rss.percentPerHour(),
            rss.perStep(), SoakJson.megabytes(heap.mean()), heap.percentPerHour(), SoakJson.megabytes(javacpp.mean()),
            allocationsPerStep(warmupSeconds), forcedTotal(), forcedAfterWarmup(warmupSeconds), rss.samples());
    }
}
