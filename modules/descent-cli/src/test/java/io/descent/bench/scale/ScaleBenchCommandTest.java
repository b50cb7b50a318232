package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.report.JsonReports;
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
        final BenchHost usable = fakeHost(true, true);
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

    @Test
    void shouldRefuseBadSweepsAndLinkRatesWithOneLine()
    {
        final BenchHost usable = fakeHost(true, true);
        assertBadInput(usable, "--link-rate shapes the links between network namespaces and is only used with " +
            "--netns; add --netns", "--link-rate", "1gbit");
        assertBadInput(usable, "--link-rate '1gb' is not a rate", "--netns", "--link-rate", "1gb");
        assertBadInput(usable, "--link-rate '500kbit' is out of range", "--netns", "--link-rate", "500kbit");
        assertBadInput(usable, "--consistency 'eventual' is not a consistency model", "--consistency",
            "sync,eventual");
        assertBadInput(usable, "--servers '1,10': every count must be from 1 to 9", "--netns", "--servers", "1,10");
        assertBadInput(usable, "--servers 'two' must be server counts", "--servers", "two");
        assertBadInput(usable, "--auth = 'gmac' is not allowed", "--auth", "none,gmac");
        assertBadInput(usable, "--cluster consistency=…: use --consistency LIST", "--cluster", "consistency=ssp");
        assertBadInput(usable, "--cluster 'fast' must look like KEY=VALUE", "--cluster", "fast");
        assertBadInput(usable, "--compression 'zip' is not a gradient compression; use none, fp16, bf16, threshold",
            "--compression", "none,zip");
        assertBadInput(usable, "--cluster compression=…: use --compression LIST", "--cluster", "compression=fp16");
        assertBadInput(usable, "--compression 'fp16/fp8': 'fp8' is not a weight compression; use one of none, " +
            "fp16, bf16, threshold after the '/'", "--compression", "none,fp16/fp8");
        assertBadInput(usable, "--compression …/threshold with --consistency ssp: threshold-coded weights run " +
            "under sync and backup only", "--consistency", "ssp", "--compression", "none,threshold/threshold");
        assertBadInput(usable, "--servers, --consistency, --auth, --compression and --cluster are not passed to " +
            "Kubernetes runs", "--k8s", "--image", "d:1", "--compression", "none,fp16");
        assertBadInput(usable, "--servers, --consistency, --auth, --compression and --cluster are not passed to " +
            "Kubernetes runs",
            "--k8s", "--image", "d:1", "--consistency", "sync,backup");
    }

    @Test
    void shouldRefuseTheSyntheticJobsOptionsNextToANamedJobWithOneLine()
    {
        final BenchHost usable = fakeHost(true, true);
        assertBadInput(usable, "--batch shapes the synthetic job; with PRESET or --config FILE the job says it: use " +
            "--set", "regression", "--batch", "64");
        assertBadInput(usable, "--model shapes the synthetic job", "--config", dir.resolve("x.conf").toString(),
            "--model", "8-4-2");
        assertBadInput(usable, "unknown preset 'nope'", "nope");
    }

    @Test
    void shouldRefuseCoresPerWorkerItCannotHonourWithOneLine()
    {
        final BenchHost usable = fakeHost(true, true);
        assertBadInput(usable, "--cores-per-worker must be 0 (not confined) or more, got -1", "--cores-per-worker",
            "-1");
        assertBadInput(usable, "--cores-per-worker confines local cluster runs only, not --netns", "--netns",
            "--cores-per-worker", "1");
        assertBadInput(usable, "not --k8s", "--k8s", "--image", "d:1", "--cores-per-worker", "1");
        assertBadInput(usable, "not --ceiling's compute-only processes", "--ceiling", "--cores-per-worker", "1");
        final int cpus = CpuList.parse(NodeInfo.cpus()).size();
        assertBadInput(usable, "--cores-per-worker 1: " + (cpus + 1) + " workers need " + (cpus + 1) + " CPUs, " +
            "this process may use " + cpus, "--workers", "1," + (cpus + 1), "--cores-per-worker", "1");
        assertBadInput(fakeHost(true, true, false), "--cores-per-worker needs 'taskset'", "--workers", "1",
            "--cores-per-worker", "1");
    }

    private static void assertBadInput(final BenchHost host, final String expected, final String... options)
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

    private static BenchHost fakeHost(final boolean root, final boolean ipNetns)
    {
        return fakeHost(root, ipNetns, true);
    }

    private static BenchHost fakeHost(final boolean root, final boolean ipNetns, final boolean taskset)
    {
        return new BenchHost()
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

            @Override
            public boolean hasTaskset()
            {
                return taskset;
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
        // The ceiling with the server's work: the server process beside the workers in both counts.
        assertEquals(1.0, runs.get(0).get("ceiling_with_server").asDouble(), 1e-12);
        assertEquals(runs.get(1).get("with_server_samples_per_sec").asDouble() /
            (2 * runs.get(0).get("with_server_samples_per_sec").asDouble()),
            runs.get(1).get("ceiling_with_server").asDouble(), 1e-9);
        for (final JsonNode run : runs)
        {
            assertTrue(run.get("with_server_lockstep_samples_per_sec").asDouble() > 0, run.toString());
            assertTrue(run.get("with_server_server_step_s").asDouble() > 0, run.toString());
        }
        assertTrue(Files.readAllLines(out.resolve("scale.csv")).get(0)
            .endsWith(",compute_only_samples_per_sec,ceiling,lockstep_samples_per_sec,lockstep_ceiling," +
                "with_server_samples_per_sec,ceiling_with_server,with_server_lockstep_samples_per_sec," +
                "lockstep_ceiling_with_server,cpus,compression"));
        assertTrue(Files.readAllLines(out.resolve("scale.csv")).get(1).endsWith(",\"" + NodeInfo.cpus() + "\",none"));
        assertEquals(3, Files.readAllLines(out.resolve("scale.csv")).size(), "header and two runs");
        assertTrue(Files.size(out.resolve("scale.png")) > 1000);
        assertEquals(json, JsonReports.mapper().readTree(out.resolve("scale.json").toFile()));
        assertEquals("local", json.get("mode").asText());
        assertEquals("local", runs.get(1).get("mode").asText());
        assertEquals(0, json.get("cores_per_worker").asInt());
        for (final JsonNode run : runs)
        {
            assertEquals(NodeInfo.cpus(), run.get("cpus").asText(), "an unconfined run's server may use every CPU");
        }
    }

    /**
     * A tiny model confined to one CPU per worker: the run's parameter server reports that it could use only the
     * first CPU of this process (the bench also refuses a run whose server could use others).
     */
    @Test
    @Tag("slow")
    void shouldConfineEachRunToItsCpusPerWorker() throws IOException
    {
        final Path report = dir.resolve("confined.json");
        assertEquals(0, DescentCli.run("bench", "scale", "--workers", "1", "--cores-per-worker", "1", "--model",
            "20-16-4", "--batch", "16", "--steps", "10", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(1, json.get("cores_per_worker").asInt());
        final JsonNode run = json.get("runs").get(0);
        assertTrue(run.get("samples_per_sec").asDouble() > 0, run.toString());
        assertEquals(String.valueOf(CpuList.parse(NodeInfo.cpus()).cpus()[0]), run.get("cpus").asText());
    }

    /**
     * A tiny model at 1 worker with and without the data-plane MAC (the nodes of today know no other swept setting):
     * a row per setting, labelled, each its own baseline, and the MAC's step-time ratio.
     */
    @Test
    @Tag("slow")
    void shouldRunARowPerSettingAndCompareThem() throws IOException
    {
        final Path report = dir.resolve("sweep.json");
        assertEquals(0, DescentCli.run("bench", "scale", "--workers", "1", "--model", "20-16-4", "--batch", "16",
            "--steps", "10", "--warmup-epochs", "0", "--auth", "none,aes-gmac", "--consistency", "sync",
            "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final JsonNode runs = json.get("runs");
        assertEquals(2, runs.size(), json.toString());
        assertEquals("sync, auth none", runs.get(0).get("label").asText());
        assertEquals("sync, auth aes-gmac", runs.get(1).get("label").asText());
        assertEquals("aes-gmac", runs.get(1).get("data_plane_auth").asText());
        for (final JsonNode run : runs)
        {
            assertEquals(1.0, run.get("efficiency").asDouble(), 1e-12, "each setting is its own baseline");
            assertTrue(run.get("step_s").asDouble() > 0, run.toString());
        }
        final JsonNode ratio = json.get("step_ratios").get(0);
        assertEquals("auth aes-gmac vs none", ratio.get("difference").asText());
        assertEquals(runs.get(1).get("step_s").asDouble() / runs.get(0).get("step_s").asDouble(),
            ratio.get("step_ratio").asDouble(), 1e-9);
    }

    /**
     * A tiny model at 1 worker with {@code --compression none} (the only compression this branch's nodes run; every
     * other value is passed as {@code --cluster compression=X}, checked at unit level): one row, labelled, its
     * compression in the report, no node argument for it.
     */
    @Test
    @Tag("slow")
    void shouldRunTheUncompressedRowOfACompressionSweep() throws IOException
    {
        final Path report = dir.resolve("compression.json");
        assertEquals(0, DescentCli.run("bench", "scale", "--workers", "1", "--model", "20-16-4", "--batch", "16",
            "--steps", "10", "--warmup-epochs", "0", "--compression", "none", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final JsonNode run = json.get("runs").get(0);
        assertEquals(1, json.get("runs").size(), json.toString());
        assertEquals("compression none", run.get("label").asText());
        assertEquals("none", run.get("compression").asText());
        assertEquals(0, run.get("node_args").size(), "none is the nodes' default: not passed");
        assertTrue(run.get("samples_per_sec").asDouble() > 0, run.toString());
        assertEquals("compression none", json.get("sweep").get(0).asText());
        assertTrue(!json.has("step_ratios"), "nothing to compare with");
    }
}
