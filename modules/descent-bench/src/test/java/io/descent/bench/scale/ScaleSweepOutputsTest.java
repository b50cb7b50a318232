package io.descent.bench.scale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep's report: one row per (workers, settings), each row's efficiency against the fewest workers of the same
 * settings, the rows labelled by them, and what each swept setting costs, paired by round.
 */
class ScaleSweepOutputsTest
{
    @TempDir
    Path dir;

    private static final ScaleSweep SWEEP = ScaleSweep.parse(null, null, "none,aes-gmac", List.of(), 9);
    private static final ScaleSettings NONE = SWEEP.combinations().get(0);
    private static final ScaleSettings GMAC = SWEEP.combinations().get(1);

    private static ScaleRun run(final ScaleSettings settings, final int workers, final double samplesPerSec)
    {
        // Batch 100 per worker: a step moves workers × 100 samples.
        return new ScaleRun("local", workers, samplesPerSec, workers * 100 / samplesPerSec, 0.001, 0.002, 1,
            samplesPerSec, samplesPerSec, null, null, "0-1", settings);
    }

    @Test
    void shouldTakeEachRowsEfficiencyAgainstTheSameSettingsAndLabelTheRows() throws Exception
    {
        final List<ScaleRun> runs = List.of(run(NONE, 1, 10_000), run(NONE, 2, 16_000), run(GMAC, 1, 8_000),
            run(GMAC, 2, 15_200));
        final Map<String, Object> json = ScaleOutputs.json(runs, List.of(), new LinkedHashMap<>(Map.of("mode",
            "local")));
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> rows = (List<Map<String, Object>>)json.get("runs");
        assertEquals(4, rows.size());
        assertEquals(0.8, (double)rows.get(1).get("efficiency"), 1e-12, "16 k / (2 × 10 k)");
        assertEquals(1.0, (double)rows.get(2).get("efficiency"), 1e-12, "aes-gmac's own 1-worker run");
        assertEquals(0.95, (double)rows.get(3).get("efficiency"), 1e-12, "15.2 k / (2 × 8 k), not against none's");
        assertEquals("auth aes-gmac", rows.get(3).get("label"));
        assertEquals("aes-gmac", rows.get(3).get("data_plane_auth"));
        assertEquals(1, rows.get(3).get("servers"));
        assertEquals("sync", rows.get(3).get("consistency"));
        assertEquals(List.of("--cluster", "data-plane.auth=aes-gmac"), rows.get(3).get("node_args"));
        assertTrue(!json.containsKey("step_ratios"), "nothing compared");

        ScaleOutputs.writeDirectory(dir, runs, json);
        final List<String> csv = Files.readAllLines(dir.resolve("scale.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(0).startsWith("mode,workers,label,servers,consistency,data_plane_auth,samples_per_sec,"));
        assertTrue(csv.get(4).startsWith("local,2,\"auth aes-gmac\",1,sync,aes-gmac,15200.0,0.9500,"), csv.get(4));
        assertTrue(Files.size(dir.resolve("scale.png")) > 1000);
    }

    @Test
    void shouldPairTheRunsOfEachRoundToGiveWhatASettingCosts()
    {
        final Map<StepRatio.Key, List<ScaleRun>> repeats = new LinkedHashMap<>();
        // Step times 20, 25, 22 ms for none; 21, 25, 23.54 ms for aes-gmac: ratios 1.05, 1.0, 1.07 by round.
        repeats.put(new StepRatio.Key(NONE, 2), new ArrayList<>(List.of(run(NONE, 2, 10_000), run(NONE, 2, 8_000),
            run(NONE, 2, 200 / 0.022))));
        repeats.put(new StepRatio.Key(GMAC, 2), new ArrayList<>(List.of(run(GMAC, 2, 200 / 0.021),
            run(GMAC, 2, 8_000), run(GMAC, 2, 200 / (0.022 * 1.07)))));
        final List<StepRatio> ratios = StepRatio.of(SWEEP, repeats);
        assertEquals(1, ratios.size(), "none is the first value: compared with nothing");
        final StepRatio cost = ratios.get(0);
        assertEquals(2, cost.workers());
        assertEquals("auth aes-gmac vs none", cost.difference());
        assertEquals("auth none", cost.against());
        assertEquals(1.05, cost.median(), 1e-9);
        assertEquals(1.0, cost.min(), 1e-9);
        assertEquals(1.07, cost.max(), 1e-9);
        assertEquals(3, cost.rounds());
        assertEquals("2 workers, auth aes-gmac vs none: step time ×1.050 (+5.0 %), 3 rounds 1.000–1.070",
            cost.line());
        final Map<String, Object> json = ScaleOutputs.json(List.of(ScaleRun.median(repeats.get(new StepRatio.Key(
            NONE, 2)))), ratios, new LinkedHashMap<>());
        assertEquals(List.of(cost.toJson()), json.get("step_ratios"));
        assertEquals(1.05, (double)cost.toJson().get("step_ratio"), 1e-9);
    }

    @Test
    void shouldStateACompressionsThroughputAgainstNonesAndWriteItPerRun() throws Exception
    {
        final ScaleSweep codecs = ScaleSweep.parse(null, null, null, "none,fp16", List.of(), 9);
        final ScaleSettings none = codecs.combinations().get(0);
        final ScaleSettings fp16 = codecs.combinations().get(1);
        final Map<StepRatio.Key, List<ScaleRun>> repeats = new LinkedHashMap<>();
        repeats.put(new StepRatio.Key(none, 2), new ArrayList<>(List.of(run(none, 2, 100), run(none, 2, 120))));
        repeats.put(new StepRatio.Key(fp16, 2), new ArrayList<>(List.of(run(fp16, 2, 170), run(fp16, 2, 180))));
        final List<StepRatio> ratios = StepRatio.of(codecs, repeats);
        assertEquals(1, ratios.size());
        final StepRatio gain = ratios.get(0);
        assertEquals(1.5, gain.throughput(), 1e-9, "rounds 1.7 and 1.5: the smaller of the middle two");
        assertEquals(1.7, gain.throughputMax(), 1e-9);
        assertEquals(100.0 / 170, gain.min(), 1e-9, "the step-time ratio is the inverse, round by round");
        assertEquals("2 workers, compression fp16 vs none: throughput ×1.500 of none's (step time ×0.588), 2 rounds " +
            "1.500–1.700", gain.line());
        assertEquals(1.5, (double)gain.toJson().get("throughput_ratio"), 1e-9);

        final List<ScaleRun> runs = List.of(run(none, 1, 60), run(none, 2, 100), run(fp16, 1, 90),
            run(fp16, 2, 170));
        final Map<String, Object> json = ScaleOutputs.json(runs, ratios, new LinkedHashMap<>());
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> rows = (List<Map<String, Object>>)json.get("runs");
        assertEquals(List.of("none", "none", "fp16", "fp16"), rows.stream().map(row -> row.get("compression"))
            .toList());
        assertEquals(List.of("--cluster", "compression=fp16"), rows.get(3).get("node_args"));
        ScaleOutputs.writeDirectory(dir, runs, json);
        final List<String> csv = Files.readAllLines(dir.resolve("scale.csv"));
        assertTrue(csv.get(0).endsWith(",cpus,compression"), csv.get(0));
        assertTrue(csv.get(4).startsWith("local,2,\"compression fp16\",1,sync,default,170.0,"), csv.get(4));
        assertTrue(csv.get(4).endsWith(",\"0-1\",fp16"), csv.get(4));
    }
}
