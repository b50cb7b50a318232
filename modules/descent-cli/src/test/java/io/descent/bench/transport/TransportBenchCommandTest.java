package io.descent.bench.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
