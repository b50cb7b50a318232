package io.descent.bench.scale;

import io.descent.transport.wire.ChunkAuth;
import io.descent.transport.wire.FastestMac;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep's MAC'd rows against none get a CPU-bound cost from the job, the none row's runs and the MAC's rate. */
class MacCpuCostsTest
{
    private static ScaleRun run(final ScaleSettings settings, final int workers, final double stepSeconds)
    {
        // Batch 100 per worker: a step moves workers × 100 samples.
        final double samplesPerSec = workers * 100 / stepSeconds;
        return new ScaleRun("local", workers, samplesPerSec, stepSeconds, 0.001, 0.002, 1, samplesPerSec,
            samplesPerSec, null, null, "0-1", settings);
    }

    @Test
    void shouldSetTheCpuBoundCostBesideEachMacsRatioAgainstNone()
    {
        final ScaleSweep sweep = ScaleSweep.parse(null, null, "none,aes-gmac,auto", List.of(), 9);
        final List<ScaleSettings> rows = sweep.combinations();
        final Map<StepRatio.Key, List<ScaleRun>> repeats = new LinkedHashMap<>();
        // none: 20 and 24 ms (median run: the slower, 24 ms); aes-gmac 22 and 24 ms; auto 21 and 25 ms.
        repeats.put(new StepRatio.Key(rows.get(0), 2), new ArrayList<>(List.of(run(rows.get(0), 2, 0.020),
            run(rows.get(0), 2, 0.024))));
        repeats.put(new StepRatio.Key(rows.get(1), 2), new ArrayList<>(List.of(run(rows.get(1), 2, 0.022),
            run(rows.get(1), 2, 0.024))));
        repeats.put(new StepRatio.Key(rows.get(2), 2), new ArrayList<>(List.of(run(rows.get(2), 2, 0.021),
            run(rows.get(2), 2, 0.025))));
        final List<StepRatio> ratios = StepRatio.of(sweep, repeats);
        final List<ChunkAuth> asked = new ArrayList<>();
        final List<MacCpuCost> costs = MacCpuCosts.of(sweep, repeats, ratios, 1_000_000, false, mac ->
        {
            asked.add(mac);
            return 7e9;
        });
        assertEquals(2, costs.size());
        final MacCpuCost gmac = costs.get(0);
        assertEquals("aes-gmac", gmac.mac());
        assertEquals(28e6, gmac.macBytesPerStep(), 1e-6);
        assertEquals(3, gmac.processes(), "2 workers and the server");
        assertEquals(2, gmac.cores(), "the none run's CPUs, 0-1");
        assertEquals(0.024, gmac.plainStepSeconds(), 1e-12);
        assertEquals(1.0, gmac.measured(), 1e-12, "rounds 1.1 and 1.0: the smaller of the middle two");
        // W = 4 ms over 2 cores, T = 24 ms: 1 + 4 / 48.
        assertEquals(1 + 4.0 / 48, gmac.cpuBound(), 1e-12);
        assertEquals(FastestMac.onThisRuntime().label(), costs.get(1).mac(), "auto is this runtime's fastest");
        assertEquals(asked.stream().distinct().toList(), asked, "each MAC's rate is measured once");
    }

    @Test
    void shouldSetNoneWithoutANoneRowOrAParameterCountOrForOtherModels()
    {
        final ScaleSweep macs = ScaleSweep.parse(null, null, "aes-gmac,hmac-sha256", List.of(), 9);
        final Map<StepRatio.Key, List<ScaleRun>> repeats = new LinkedHashMap<>();
        macs.combinations().forEach(row -> repeats.put(new StepRatio.Key(row, 2), List.of(run(row, 2, 0.02))));
        assertTrue(MacCpuCosts.of(macs, repeats, StepRatio.of(macs, repeats), 1_000_000, false, mac -> 7e9).isEmpty());

        final ScaleSweep plain = ScaleSweep.parse(null, null, "none,aes-gmac", List.of(), 9);
        final Map<StepRatio.Key, List<ScaleRun>> plainRuns = new LinkedHashMap<>();
        plain.combinations().forEach(row -> plainRuns.put(new StepRatio.Key(row, 2), List.of(run(row, 2, 0.02))));
        assertEquals(1, MacCpuCosts.of(plain, plainRuns, StepRatio.of(plain, plainRuns), 1_000_000, false,
            mac -> 7e9).size());
        assertTrue(MacCpuCosts.of(plain, plainRuns, StepRatio.of(plain, plainRuns), 0, false, mac -> 7e9).isEmpty());

        final ScaleSweep ssp = ScaleSweep.parse(null, "ssp", "none,aes-gmac", List.of(), 9);
        final Map<StepRatio.Key, List<ScaleRun>> sspRuns = new LinkedHashMap<>();
        ssp.combinations().forEach(row -> sspRuns.put(new StepRatio.Key(row, 2), List.of(run(row, 2, 0.02))));
        assertTrue(MacCpuCosts.of(ssp, sspRuns, StepRatio.of(ssp, sspRuns), 1_000_000, false, mac -> 7e9).isEmpty(),
            "an ssp step is not one gradient per worker and one broadcast");
    }

    @Test
    void shouldCountTheCpusTheRunCouldUse()
    {
        assertEquals(2, MacCpuCosts.cores("0-1"));
        assertEquals(3, MacCpuCosts.cores("0,2,4"));
        assertEquals(Runtime.getRuntime().availableProcessors(), MacCpuCosts.cores(""));
    }
}
