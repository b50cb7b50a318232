package io.descent.bench.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent bench model}: one-line refusals, and the predictions it writes. */
class ModelBenchCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseBadInputWithOneLine()
    {
        assertBadInput("--workers '0,8'", "--workers", "0,8");
        assertBadInput("--servers 'two'", "--servers", "two");
        assertBadInput("--link-rate '1gb' is not a rate", "--link-rate", "1gb");
        assertBadInput("--consistency 'eventual'", "--consistency", "eventual");
        assertBadInput("--compression must be at least 1", "--compression", "0.5");
        assertBadInput("--model '784-x-10' is not MLP widths", "--model", "784-x-10");
        assertBadInput("--validate-shapes '2by1'", "--validate", "--validate-shapes", "2by1");
        assertBadInput("--mtu 100 is not a link MTU", "--mtu", "100");
        assertBadInput("--validate-compression 'none,gzip' must be distinct gradient compressions", "--validate",
            "--validate-compression", "none,gzip");
        assertBadInput("--compute-ms and --from-report", "--compute-ms", "5", "--from-report",
            dir.resolve("r.json").toString());
        assertBadInput("--report " + dir.resolve("no/r.json") + ": its directory does not exist", "--report",
            dir.resolve("no/r.json").toString());
    }

    @Test
    void shouldRefuseAReportWithoutComputeTimes() throws IOException
    {
        final Path report = dir.resolve("other.json");
        Files.writeString(report, "{\"runs\":[{\"workers\":2}]}");
        assertBadInput("has no compute time", "--from-report", report.toString(), "--step-overhead-ms", "1");
    }

    @Test
    void shouldWriteEveryPredictionWithItsBreakdownAndThePlot() throws IOException
    {
        final Path report = dir.resolve("model.json");
        final Path plot = dir.resolve("model.png");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "bench", "model",
            "--model", "784-64-10", "--compute-ms", "10", "--step-overhead-ms", "1", "--workers", "2,4",
            "--servers", "1,2", "--link-rate", "1gbit", "--latency-us", "0", "--report", report.toString(), "--plot",
            plot.toString());
        assertEquals(0, code, err.toString());
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final JsonNode rows = json.get("predictions");
        assertEquals(4, rows.size());
        final double m = (784 * 64 + 64 + 64 * 10 + 10) * 4.0;
        final double link = 1e9 / 8 * WireFraming.efficiency(9000);
        final JsonNode host = json.get("overheads");
        for (final JsonNode row : rows)
        {
            final int n = row.get("workers").asInt();
            final int s = row.get("servers").asInt();
            assertEquals(m, row.get("model_bytes").asDouble());
            assertEquals(0.010, row.get("compute_s").asDouble(), 1e-12);
            assertEquals(0.001, row.get("fixed_s").asDouble(), 1e-12);
            final double range = m / s;
            final double tag = host.get("tag_bytes_per_sec").asDouble();
            final double udp = host.get("udp_bytes_per_sec").asDouble();
            final double pullLink = Math.max(n * m / s, m) / link;
            final double pullDataPlane = Math.max(Math.max(n * m / s, m) / udp, range / tag + n * range / host
                .get("copy_bytes_per_sec").asDouble());
            assertEquals(Math.max(pullLink, pullDataPlane), row.get("pull_s").asDouble(), 1e-12,
                "the link, or the data plane over UDP where it is slower");
            final double pushLink = Math.max(n * m / s, m) / link;
            final double pushDataPlane = Math.max(Math.max(n * m / s, m) / udp, n * m / s / tag);
            assertEquals(Math.max(pushLink, pushDataPlane), row.get("push_s").asDouble(), 1e-12);
            final double overlap = n > s && pushLink >= pushDataPlane && pullLink >= pullDataPlane ?
                (n - 1) * Math.min(host.get("send_buffer_bytes").asDouble(), range) / link : 0.0;
            assertEquals(overlap, row.get("overlap_s").asDouble(), 1e-12, "the broadcast's head start");
            assertEquals(row.get("compute_s").asDouble() + row.get("push_s").asDouble() +
                row.get("server_s").asDouble() + row.get("pull_s").asDouble() - overlap +
                row.get("fixed_s").asDouble(), row.get("step_s").asDouble(), 1e-12);
            assertEquals(n * 256 / row.get("step_s").asDouble(), row.get("samples_per_sec").asDouble(), 1e-6);
        }
        for (final String rate : new String[]{ "sum_bytes_per_sec", "update_bytes_per_sec", "copy_bytes_per_sec",
            "transfer_bytes_per_sec", "tag_bytes_per_sec", "udp_bytes_per_sec", "send_buffer_bytes" })
        {
            assertTrue(host.get(rate).asDouble() > 0, rate);
        }
        assertTrue(Files.size(plot) > 1000, "a PNG");
    }

    private void assertBadInput(final String expected, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("bench", "model"));
        args.addAll(List.of(options));
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
            args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("descent: ") && err.toString().contains(expected),
            "expected '" + expected + "' in: " + err);
    }
}
