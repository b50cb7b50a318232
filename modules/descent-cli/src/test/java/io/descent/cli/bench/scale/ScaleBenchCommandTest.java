package io.descent.cli.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cli.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScaleBenchCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRejectBadWorkerCountsWithOneLine()
    {
        for (final String workers : new String[]{ "0,1", "one,two", "" })
        {
            final StringWriter err = new StringWriter();
            final int code = DescentCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                "bench", "scale", "--workers", workers);
            assertEquals(2, code, err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().contains("--workers"), err.toString());
        }
    }

    @Test
    void shouldRefuseNetnsWithoutRootOrIpNetnsWithOneLine()
    {
        assertBadInput(fakeHost(false, true), "--netns needs root", "--netns", "--workers", "1,2");
        assertBadInput(fakeHost(true, false), "--netns needs 'ip netns'", "--netns", "--workers", "1,2");
    }

    @Test
    void shouldRefuseAJobWhoseDataWouldNotFitTheHeapOrNoRepeatWithOneLine()
    {
        assertBadInput(fakeHost(true, true), "more than half the", "--workers", "1,2", "--steps", "100000000");
        assertBadInput(fakeHost(true, true), "--repeat must be at least 1", "--repeat", "0");
        assertBadInput(fakeHost(true, true), "--warmup-epochs must be 0 or more", "--warmup-epochs", "-1");
    }

    @Test
    void shouldRefuseBadModeOptionsWithOneLine()
    {
        final NetnsHost usable = fakeHost(true, true);
        assertBadInput(usable, "--k8s needs --image", "--k8s", "--workers", "1,2");
        assertBadInput(usable, "--netns and --k8s exclude each other", "--netns", "--k8s", "--image", "d:1");
        assertBadInput(usable, "--image is only used with --k8s", "--image", "descent:0.1.0");
        assertBadInput(usable, "--netns runs at most 200 workers", "--netns", "--workers", "1,201");
        assertBadInput(usable, "--netns-script " + dir.resolve("none.sh") + " does not exist", "--netns",
            "--netns-script", dir.resolve("none.sh").toString());
        assertBadInput(usable, "--image 'Not An Image'", "--k8s", "--image", "Not An Image");
        assertBadInput(usable, "--mtu is only used with --netns", "--mtu", "9000");
        assertBadInput(usable, "--mtu 100 is not a link MTU", "--netns", "--mtu", "100");
        assertBadInput(usable, "--workers '0'", "--k8s", "--image", "descent:0.1.0", "--workers", "0");
        assertBadInput(usable, "--ceiling measures processes on this machine", "--k8s", "--image", "d:1", "--ceiling");
        assertBadInput(usable, "--ceiling-seconds must be more than 0", "--ceiling", "--ceiling-seconds", "0");
        assertBadInput(usable, "--ceiling-rounds at least 1", "--ceiling", "--ceiling-rounds", "0");
    }

    private static void assertBadInput(final NetnsHost host, final String expected, final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("bench", "scale"));
        args.addAll(List.of(options));
        final StringWriter err = new StringWriter();
        final CommandLine.IFactory factory = new CommandLine.IFactory()
        {
            @Override
            public <K> K create(final Class<K> type) throws Exception
            {
                return type == ScaleBenchCommand.class ? type.cast(new ScaleBenchCommand(host)) :
                    CommandLine.defaultFactory().create(type);
            }
        };
        final int code = DescentCli.run(factory, new PrintWriter(new StringWriter()), new PrintWriter(err, true),
            args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("descent: ") && err.toString().contains(expected),
            "expected '" + expected + "' in: " + err);
    }

    private static NetnsHost fakeHost(final boolean root, final boolean ipNetns)
    {
        return new NetnsHost()
        {
            @Override
            public boolean isRoot()
            {
                return root;
            }

            @Override
            public boolean hasIpNetns()
            {
                return ipNetns;
            }
        };
    }

    /**
     * A tiny model at 1 and 2 workers, as separate processes, each beside its compute-only processes: the outputs
     * exist and are consistent.
     */
    @Test
    @Tag("slow")
    void shouldMeasureEachWorkerCountAndWriteJsonCsvAndPng() throws IOException
    {
        final Path report = dir.resolve("scale-report.json");
        final Path out = dir.resolve("out");
        assertEquals(0, DescentCli.run("bench", "scale", "--workers", "1,2", "--model", "20-16-4", "--batch", "16",
            "--steps", "10", "--ceiling", "--ceiling-seconds", "0.5", "--ceiling-rounds", "2", "--report", report.toString(), "--report-dir",
            out.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final JsonNode runs = json.get("runs");
        assertEquals(2, runs.size());
        assertEquals(1, runs.get(0).get("workers").asInt());
        assertEquals(1.0, runs.get(0).get("efficiency").asDouble(), 1e-12);
        assertEquals(2, runs.get(1).get("workers").asInt());
        for (final JsonNode run : runs)
        {
            assertTrue(run.get("samples_per_sec").asDouble() > 0, run.toString());
            assertTrue(run.get("step_s").asDouble() > 0, run.toString());
        }
        final double expected = runs.get(1).get("samples_per_sec").asDouble() /
            (2 * runs.get(0).get("samples_per_sec").asDouble());
        assertEquals(expected, runs.get(1).get("efficiency").asDouble(), 1e-9);
        assertEquals(1.0, runs.get(0).get("ceiling").asDouble(), 1e-12);
        for (final JsonNode run : runs)
        {
            assertTrue(run.get("compute_only_samples_per_sec").asDouble() > 0, run.toString());
            assertTrue(run.get("lockstep_samples_per_sec").asDouble() > 0, run.toString());
            assertEquals(run.get("efficiency").asDouble() / run.get("lockstep_ceiling").asDouble(),
                run.get("efficiency_of_ceiling").asDouble(), 1e-9);
        }
        assertEquals(runs.get(1).get("compute_only_samples_per_sec").asDouble() /
            (2 * runs.get(0).get("compute_only_samples_per_sec").asDouble()), runs.get(1).get("ceiling").asDouble(),
            1e-9);
        assertEquals(1.0, runs.get(0).get("lockstep_ceiling").asDouble(), 1e-12);
        assertTrue(Files.readAllLines(out.resolve("scale.csv")).get(0)
            .endsWith(",compute_only_samples_per_sec,ceiling,lockstep_samples_per_sec,lockstep_ceiling"));
        assertEquals(3, Files.readAllLines(out.resolve("scale.csv")).size(), "header and two runs");
        assertTrue(Files.size(out.resolve("scale.png")) > 1000);
        assertEquals(json, JsonReports.mapper().readTree(out.resolve("scale.json").toFile()));
        assertEquals("local", json.get("mode").asText());
        assertEquals("local", runs.get(1).get("mode").asText());
    }
}
