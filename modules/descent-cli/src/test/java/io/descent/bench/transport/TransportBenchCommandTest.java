package io.descent.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportBenchCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheReportFieldsForASmallRun() throws Exception
    {
        final Path report = dir.resolve("transport.json");
        final StringWriter out = new StringWriter();

        final int code = DescentCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
            "bench", "transport", "--sizes", "64k,100000", "--channels", "memcpy,ipc,udp,tcp", "--repeats", "2",
            "--report", report.toString());

        assertEquals(0, code, out.toString());
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(8, json.get("results").size());
        final JsonNode first = json.get("results").get(0);
        assertEquals(65536, first.get("size_bytes").asInt());
        assertEquals("memcpy", first.get("channel").asText());
        assertTrue(first.get("gb_per_s").asDouble() > 0);
        assertTrue(json.get("ipc_vs_memcpy").asDouble() > 0);
        assertTrue(json.get("udp_vs_memcpy").asDouble() > 0);
        assertTrue(json.get("udp_vs_tcp").asDouble() > 0);
        assertTrue(json.get("ipc_vs_artery").isNull(), "artery not measured");
    }

    @Test
    void shouldBoundTheMacdRatioByTheMacAloneInTheSameRun() throws Exception
    {
        final Path report = dir.resolve("mac.json");
        final StringWriter out = new StringWriter();

        final int code = DescentCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
            "bench", "transport", "--sizes", "256k", "--channels", "ipc,ipc-gmac,gmac-only", "--repeats", "2",
            "--report", report.toString());

        assertEquals(0, code, out.toString());
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final double ceiling = json.at("/mac_ceiling/ipc-gmac/262144").asDouble();
        assertTrue(ceiling > 0 && ceiling <= 1.0, json.toString());
        assertTrue(json.at("/mac_vs_plain/ipc-gmac/262144").asDouble() > 0, json.toString());
        assertTrue(out.toString().contains("ipc-gmac ceiling"), out.toString());
        final JsonNode ipc = json.get("results").get(0);
        assertEquals("ipc", ipc.get("channel").asText());
        assertTrue(ipc.get("sender_gb_per_cpu_s").asDouble() > 0 && ipc.get("receiver_gb_per_cpu_s").asDouble() > 0,
            ipc.toString());
        assertTrue(json.get("results").get(2).get("sender_gb_per_cpu_s") == null, "gmac-only has no sides");
        assertTrue(json.at("/mac_cpu_bound/ipc-gmac/262144").asDouble() > 0, json.toString());
        assertTrue(out.toString().contains("ipc-gmac cpu-bound"), out.toString());
    }

    @Test
    void shouldBoundTheMacdRatioByTheBusierSidesCpuRates()
    {
        final List<ThroughputRun.Measurement> runs = List.of(
            new ThroughputRun.Measurement("ipc", 1024, 4.0, 5.0, 9, 10.0, 8.0),
            new ThroughputRun.Measurement("ipc-poly", 1024, 3.0, 3.5, 9, 4.0, 5.0),
            new ThroughputRun.Measurement("ipc-gmac", 1024, 3.0, 3.5, 9),
            new ThroughputRun.Measurement("udp", 1024, 1.0, 1.2, 9, 2.0, 2.0),
            new ThroughputRun.Measurement("udp-poly", 1024, 1.0, 1.2, 9, 1.0, 3.0));
        assertEquals(Map.of("ipc-poly", Map.of("1024", 0.5), "udp-poly", Map.of("1024", 0.5)),
            TransportBenchReport.macCpuBound(runs), "the busier sides: 4 of 8 and 1 of 2; gmac without CPU times");
    }

    @Test
    void shouldComputeTheCeilingAsTheMacAloneOverPlainCappedAtOne()
    {
        final List<ThroughputRun.Measurement> runs = List.of(
            new ThroughputRun.Measurement("ipc", 1024, 4.0, 5.0, 9),
            new ThroughputRun.Measurement("ipc-gmac", 1024, 1.0, 1.2, 9),
            new ThroughputRun.Measurement("gmac-only", 1024, 3.0, 3.5, 9),
            new ThroughputRun.Measurement("ipc", 2048, 2.0, 2.5, 9),
            new ThroughputRun.Measurement("ipc-gmac", 2048, 1.5, 1.6, 9),
            new ThroughputRun.Measurement("gmac-only", 2048, 6.0, 6.5, 9),
            new ThroughputRun.Measurement("ipc-hmac", 2048, 0.5, 0.6, 9));
        assertEquals(Map.of("ipc-gmac", Map.of("1024", 0.75, "2048", 1.0)), TransportBenchReport.macCeilings(runs),
            "hmac-only was not measured: no ceiling for ipc-hmac");
    }

    @Test
    void shouldRejectBadSizesWithExitCodeTwoAndOneLine()
    {
        final StringWriter err = new StringWriter();

        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
            "bench", "transport", "--sizes", "2m,23x");

        assertEquals(2, code);
        assertEquals("descent: --sizes: '23x' is not a size; use bytes with an optional k, m or g suffix," +
            " e.g. --sizes 2m,23m,64m,256m", err.toString().trim());
    }

    @Test
    void shouldRejectUnknownChannelsAndOutOfRangeSizes()
    {
        assertEquals(2, DescentCli.run(new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true), "bench", "transport", "--channels", "ipc,smoke"));
        assertEquals(2, DescentCli.run(new PrintWriter(new StringWriter(), true),
            new PrintWriter(new StringWriter(), true), "bench", "transport", "--sizes", "2g"));
    }
}
