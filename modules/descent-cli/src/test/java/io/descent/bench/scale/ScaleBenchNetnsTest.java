package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.bench.transport.UdpPath;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code descent bench scale --netns}: a tiny model at 1 and 2 workers, each run a real multi-host job (server and
 * workers in their own network namespaces, Akka TCP and Aeron UDP between distinct addresses) through
 * scripts/netns-cluster.sh. Needs root and {@code ip netns}; skipped otherwise.
 */
@Tag("slow")
class ScaleBenchNetnsTest
{
    private static final Pattern CLEANED = Pattern.compile("cleaned up namespaces (dsc\\d+)-\\*");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRootAndNetworkNamespaces()
    {
        final BenchHost host = BenchHost.system();
        assumeTrue(host.isRoot(), "needs root to create network namespaces");
        assumeTrue(host.hasIpNetns(), "needs iproute2 with 'ip netns'");
    }

    @Test
    void shouldRunEachWorkerCountAcrossNamespacesAndLeaveNoneBehind() throws Exception
    {
        final Path out = dir.resolve("out");
        assertEquals(0, DescentCli.run("bench", "scale", "--netns", "--workers", "1,2", "--model", "20-16-4",
            "--batch", "16", "--steps", "10", "--mtu", "9000", "--link-rate", "10gbit", "--report-dir",
            out.toString()));

        final JsonNode json = JsonReports.mapper().readTree(out.resolve("scale.json").toFile());
        assertEquals("netns", json.get("mode").asText());
        assertEquals("10gbit", json.get("link_rate").asText());
        assertEquals(10_000_000_000L, json.get("link_rate_bits_per_sec").asLong());
        final JsonNode runs = json.get("runs");
        assertEquals(2, runs.size(), json.toString());
        for (int i = 0; i < 2; i++)
        {
            final JsonNode run = runs.get(i);
            assertEquals(i + 1, run.get("workers").asInt(), json.toString());
            assertEquals("netns", run.get("mode").asText(), json.toString());
            assertTrue(run.get("samples_per_sec").asDouble() > 0, json.toString());
            assertTrue(run.get("step_s").asDouble() > 0, json.toString());
        }
        assertEquals(3, Files.readAllLines(out.resolve("scale.csv")).size(), "header and two runs");
        assertTrue(Files.size(out.resolve("scale.png")) > 1000);

        for (final int workers : new int[]{ 1, 2 })
        {
            final Path logs = out.resolve("logs/netns-" + workers);
            final String ps = Files.readString(logs.resolve("ps.out"));
            assertTrue(ps.contains("data plane 10.77.0.1:40123"), "the server receives on its own address:\n" + ps);
            final JsonNode report = JsonReports.mapper().readTree(logs.resolve("report.json").toFile());
            assertEquals(workers, report.get("worker_stats").size(), report.toString());
            final String script = Files.readString(logs.resolve("script.out"));
            assertTrue(script.contains("link MTU 9000, Aeron frames 8928 bytes"), "jumbo frames:\n" + script);
            assertTrue(script.contains("every link shaped both ways: tc qdisc add dev eth0 root tbf rate " +
                "10000000000bit burst 5000000 limit 62500000"), "shaped links:\n" + script);
            assertNoNamespaceLeft(script);
        }
    }

    @Test
    void shouldMeasureUdpBetweenTwoNamespacesShapedAsARunsAndLeaveNoneBehind() throws Exception
    {
        final UdpPath path = new ScaleProbe(dir, 9000).udpPath("10gbit", 1_000_000);

        assertEquals(15e6, path.bytes(), "the receiver's timed messages, all of them");
        assertTrue(path.bytesPerSec() > 0 && Double.isFinite(path.bytesPerSec()), path.describe());
        assertTrue(path.senderCpuNanos() > 0 && path.receiverCpuNanos() > 0, "both processes' CPU: " +
            path.describe());
        final Path logs = dir.resolve("logs/udp-pair-10gbit");
        final String script = Files.readString(logs.resolve("script.out"));
        assertTrue(script.contains("link MTU 9000, Aeron frames 8928 bytes"), "a run's frames:\n" + script);
        assertTrue(script.contains("every link shaped both ways: tc qdisc add dev eth0 root tbf rate " +
            "10000000000bit burst 5000000 limit"), "a run's shaped links:\n" + script);
        assertTrue(script.contains("ps (10.77.0.1) receives, w0 (10.77.0.10) sends"), script);
        assertNoNamespaceLeft(script);
    }

    private static void assertNoNamespaceLeft(final String scriptOutput) throws Exception
    {
        final Matcher cleaned = CLEANED.matcher(scriptOutput);
        assertTrue(cleaned.find(), scriptOutput);
        final String namespaces = ipNetnsList();
        assertFalse(namespaces.contains(cleaned.group(1) + "-"), "namespaces left behind:\n" + namespaces);
    }

    private static String ipNetnsList() throws IOException, InterruptedException
    {
        final Process ip = new ProcessBuilder("ip", "netns", "list").redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        final String out = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ip.waitFor(10, TimeUnit.SECONDS), "ip netns list did not finish");
        assertEquals(0, ip.exitValue(), "ip netns list failed");
        return out;
    }
}
