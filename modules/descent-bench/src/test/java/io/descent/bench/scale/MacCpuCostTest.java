package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A MAC's step-time ratio were its CPU time on the step's path, against numbers worked out by hand. */
class MacCpuCostTest
{
    @Test
    void shouldCountEveryTagAndCheckOfASynchronousStep()
    {
        // 1 M float32 parameters, 2 workers: gradients tagged 2 × 4 MB and checked 2 × 4 MB, the weights tagged once
        // (4 MB) and checked by each worker (2 × 4 MB): 28 MB.
        assertEquals(28e6, MacCpuCost.macBytesPerStep(1_000_000, 2, 4, 4), 1e-6);
        // fp16 gradients, float32 weights: 2 × 2 × 2 MB + 4 MB + 2 × 4 MB = 20 MB.
        assertEquals(20e6, MacCpuCost.macBytesPerStep(1_000_000, 2, 2, 4), 1e-6);
        // One worker: 4 + 4 + 4 + 4 MB.
        assertEquals(16e6, MacCpuCost.macBytesPerStep(1_000_000, 1, 4, 4), 1e-6);
        // Threshold-coded gradients are not counted: only the weights' 4 + 2 × 4 MB.
        assertEquals(12e6, MacCpuCost.macBytesPerStep(1_000_000, 2, 0, 4), 1e-6);
    }

    @Test
    void shouldSpreadTheMacsCpuTimeOverTheCoresWhenSaturated()
    {
        // W = 28 MB ÷ 7 GB/s = 4 ms; 3 processes on 2 cores: 1 + 4 ms ÷ (2 × 20 ms) = 1.1.
        final MacCpuCost cost = new MacCpuCost(2, "chacha20-poly1305", 28e6, 7e9, 3, 2, 0.020, 1.12, false, false);
        assertEquals(0.004, cost.cpuSecondsPerStep(), 1e-12);
        assertEquals(2, cost.parallel());
        assertTrue(cost.saturated());
        assertEquals(1.1, cost.cpuBound(), 1e-12);
        assertEquals("2 workers, MAC step cost: measured ×1.120, if CPU-bound ×1.100 (W = 4.00 ms CPU per " +
            "step: 28.0 MB at 7.00 GB per CPU-second of chacha20-poly1305; 3 processes on 2 cores)", cost.line());
        assertEquals(1.1, (double)cost.toJson().get("cpu_bound_step_ratio"), 1e-12);
        assertEquals(1.12, (double)cost.toJson().get("step_ratio"), 1e-12);
        assertEquals(true, cost.toJson().get("saturated"));
    }

    @Test
    void shouldSpreadItOverTheProcessesWhenCoresAreSpare()
    {
        // 3 processes on 4 cores: 1 + 4 ms ÷ (3 × 20 ms) = 1.0667.
        final MacCpuCost cost = new MacCpuCost(2, "aes-gmac", 28e6, 7e9, 3, 4, 0.020, 1.05, false, false);
        assertEquals(3, cost.parallel());
        assertFalse(cost.saturated());
        assertEquals(1 + 4.0 / 60, cost.cpuBound(), 1e-12);
        assertTrue(cost.line().contains("if every process's MAC is on the step's path (cores not " +
            "saturated) ×1.067"), cost.line());
    }

    @Test
    void shouldSayWhenTheLinksWereShapedOrBytesLeftOut()
    {
        final MacCpuCost cost = new MacCpuCost(2, "aes-gmac", 12e6, 6e9, 3, 2, 0.080, 0.99, true, true);
        // W = 2 ms; 1 + 2 ms ÷ (2 × 80 ms) = 1.0125.
        assertEquals(1.0125, cost.cpuBound(), 1e-12);
        assertTrue(cost.line().contains("were the cores the bottleneck (links shaped: the MAC can hide " +
            "behind the wire) ×1.013"), cost.line());
        assertTrue(cost.line().endsWith("; threshold-coded bytes not counted)"), cost.line());
    }
}
