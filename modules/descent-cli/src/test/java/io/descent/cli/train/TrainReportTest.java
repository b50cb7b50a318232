package io.descent.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cluster.TestJob;
import io.descent.cluster.dataplane.TransportStats;
import io.descent.cluster.protocol.WorkerStats;
import io.descent.cluster.server.ServerStats;
import io.descent.nn.Model;
import io.descent.report.JsonReports;
import io.descent.train.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The cluster part of a training report: each node's data-plane drop counters under stable names. */
class TrainReportTest
{
    @Test
    void shouldReportTheTransportCountersOfTheServerAndOfEveryWorker()
    {
        final TestJob job = TestJob.of("");
        final TrainReport report = new TrainReport(job.job, Model.create(job.spec, 1), "cluster", 2);
        final TransportStats server = new TransportStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        final TransportStats worker = new TransportStats(21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        report.addClusterStats(List.of(
                new WorkerStats(0, "a", 10, 100, 1.0, 0.5, 0.5, 4096, TransportStats.NONE),
                new WorkerStats(1, "b", 11, 100, 1.0, 0.5, 0.5, 4096, worker)),
            new ServerStats("ps", 9, 6, 0.25, 8192, 12, 13, "0-1", server));
        final JsonNode json = JsonReports.mapper().valueToTree(
            report.finish(new Metrics(0.5, 0.75, Double.NaN, 300), 2.0, 100.0, 6));

        final JsonNode serverTransport = json.get("server_stats").get("transport");
        assertEquals(12, json.get("server_stats").get("ignored_gradients").asLong());
        assertEquals(13, json.get("server_stats").get("refused_gradients").asLong());
        assertEquals(List.of("crc_failures", "duplicate_chunks", "late_chunks", "rejected_chunks",
            "incomplete_messages", "late_messages", "duplicate_messages"), fieldNames(serverTransport));
        assertEquals(List.of("unknown_job", "fingerprint", "unexpected", "malformed", "out_of_range", "bad_mac",
            "unknown_session", "replay", "encoding"), fieldNames(serverTransport.get("rejected_chunks")));
        assertEquals(12, serverTransport.get("rejected_chunks").get("bad_mac").asLong());
        assertEquals(13, serverTransport.get("rejected_chunks").get("unknown_session").asLong());
        assertEquals(14, serverTransport.get("rejected_chunks").get("replay").asLong());
        assertEquals(15, serverTransport.get("rejected_chunks").get("encoding").asLong());
        assertEquals(1, serverTransport.get("crc_failures").asLong());
        assertEquals(2, serverTransport.get("duplicate_chunks").asLong());
        assertEquals(3, serverTransport.get("late_chunks").asLong());
        assertEquals(8, serverTransport.get("rejected_chunks").get("out_of_range").asLong());
        assertEquals(9, serverTransport.get("incomplete_messages").asLong());
        assertEquals(10, serverTransport.get("late_messages").asLong());
        assertEquals(11, serverTransport.get("duplicate_messages").asLong());

        final JsonNode workers = json.get("worker_stats");
        assertEquals(0, workers.get(0).get("transport").get("crc_failures").asLong());
        final JsonNode second = workers.get(1).get("transport");
        assertEquals(21, second.get("crc_failures").asLong());
        assertEquals(24, second.get("rejected_chunks").get("unknown_job").asLong());
        assertEquals(25, second.get("rejected_chunks").get("fingerprint").asLong());
        assertEquals(26, second.get("rejected_chunks").get("unexpected").asLong());
        assertEquals(27, second.get("rejected_chunks").get("malformed").asLong());
        assertEquals(31, second.get("duplicate_messages").asLong());
    }

    private static List<String> fieldNames(final JsonNode node)
    {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void shouldListEveryShardsCountersWithServerShards()
    {
        final TestJob job = TestJob.of("");
        final TrainReport report = new TrainReport(job.job, Model.create(job.spec, 1), "cluster", 1);
        final ServerStats coordinator = new ServerStats("ps", 9, 6, 0.25, 8192, 1, 0, "0-1", TransportStats.NONE);
        final ServerStats follower = new ServerStats("ps-1", 10, 6, 0.5, 4096, 2, 0, "0-1", TransportStats.NONE);
        report.addClusterStats(List.of(new WorkerStats(0, "a", 11, 100, 1.0, 0.5, 0.5, 4096, TransportStats.NONE)),
            coordinator, java.util.Arrays.asList(coordinator, follower, null));
        final JsonNode servers = JsonReports.mapper().valueToTree(
            report.finish(new Metrics(0.5, 0.75, Double.NaN, 300), 2.0, 100.0, 6)).get("server_stats");

        assertEquals(3, servers.size(), "one entry per shard");
        assertEquals(List.of(0, 1, 2), List.of(servers.get(0).get("shard").asInt(), servers.get(1).get("shard").asInt(),
            servers.get(2).get("shard").asInt()));
        assertEquals(9, servers.get(0).get("pid").asLong());
        assertEquals(4096, servers.get(1).get("bytes_received").asLong());
        assertEquals(2, servers.get(1).get("ignored_gradients").asLong());
        assertEquals(0, servers.get(1).get("transport").get("crc_failures").asLong());
        assertEquals(false, servers.get(2).get("reported").asBoolean(true), "a shard whose counters did not come");
    }
}
