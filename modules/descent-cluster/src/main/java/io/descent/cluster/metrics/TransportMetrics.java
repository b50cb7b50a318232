package io.descent.cluster.metrics;

import io.descent.cluster.dataplane.TransportStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The {@code descent_transport_*} counters of a node's data plane, read from its {@link TransportStats} at scrape time
 * (nothing to update on the step path):
 * <ul>
 *   <li>{@code descent_transport_crc_failures_total}: chunks dropped because their CRC32C did not match;</li>
 *   <li>{@code descent_transport_duplicate_chunks_total}, {@code descent_transport_late_chunks_total}: chunks dropped
 *       as duplicates (also of a message already delivered) or as late (after their message's deadline, or for a
 *       step the node had moved past);</li>
 *   <li>{@code descent_transport_rejected_chunks_total{reason="unknown_job|fingerprint|unexpected|malformed|
 *       out_of_range|bad_mac|unknown_session|replay"}}: other chunks dropped, by reason (the last three only with an
 *       authenticated data plane: MAC did not verify, Aeron session not bound to the sender, under another key);</li>
 *   <li>{@code descent_transport_incomplete_messages_total}: expected messages that missed their deadline;</li>
 *   <li>{@code descent_transport_late_messages_total}, {@code descent_transport_duplicate_messages_total}: stale
 *       messages, once each.</li>
 * </ul>
 * Thread-safety: registered once; the source is called on scrape threads and must be thread-safe.
 */
final class TransportMetrics
{
    private TransportMetrics()
    {
    }

    /** Registers the counters, labelled with {@code labels}, reading {@code source} at every scrape. */
    static void register(final PrometheusRegistry registry, final Labels labels, final Supplier<TransportStats> source)
    {
        counter(registry, labels, source, "descent_transport_crc_failures",
            "Data-plane chunks dropped because their CRC32C did not match.", TransportStats::crcFailures);
        counter(registry, labels, source, "descent_transport_duplicate_chunks",
            "Data-plane chunks dropped as duplicates.", TransportStats::duplicateChunks);
        counter(registry, labels, source, "descent_transport_late_chunks",
            "Data-plane chunks dropped because they came after their message's deadline or step.",
            TransportStats::lateChunks);
        counter(registry, labels, source, "descent_transport_incomplete_messages",
            "Expected data-plane messages that missed their deadline.", TransportStats::incompleteMessages);
        counter(registry, labels, source, "descent_transport_late_messages",
            "Data-plane messages that came late (dropped).", TransportStats::lateMessages);
        counter(registry, labels, source, "descent_transport_duplicate_messages",
            "Data-plane messages that came again after delivery (dropped).", TransportStats::duplicateMessages);
        CounterWithCallback.builder().name("descent_transport_rejected_chunks")
            .help("Data-plane chunks rejected, by reason.").constLabels(labels).labelNames("reason")
            .callback(callback ->
            {
                final TransportStats stats = source.get();
                callback.call(stats.rejectedUnknownJob(), "unknown_job");
                callback.call(stats.rejectedFingerprint(), "fingerprint");
                callback.call(stats.rejectedUnexpected(), "unexpected");
                callback.call(stats.rejectedMalformed(), "malformed");
                callback.call(stats.rejectedOutOfRange(), "out_of_range");
                callback.call(stats.rejectedBadMac(), "bad_mac");
                callback.call(stats.rejectedUnknownSession(), "unknown_session");
                callback.call(stats.rejectedReplay(), "replay");
                callback.call(stats.rejectedEncoding(), "encoding");
            })
            .register(registry);
    }

    private static void counter(
        final PrometheusRegistry registry, final Labels labels, final Supplier<TransportStats> source,
        final String name, final String help, final ToLongFunction<TransportStats> value)
    {
        CounterWithCallback.builder().name(name).help(help).constLabels(labels)
            .callback(callback -> callback.call(value.applyAsLong(source.get())))
            .register(registry);
    }
}
