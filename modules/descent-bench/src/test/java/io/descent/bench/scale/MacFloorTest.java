package io.descent.bench.scale;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The floor of a MAC's step-time ratio, against numbers worked out by hand. */
class MacFloorTest
{
    @Test
    void shouldCountEveryTagAndCheckOfASynchronousStep()
    {
        // 1 M float32 parameters, 2 workers: gradients tagged 2 × 4 MB and checked 2 × 4 MB, the weights tagged once
        // (4 MB) and checked by each worker (2 × 4 MB): 28 MB.
        assertEquals(28e6, MacFloor.macBytesPerStep(1_000_000, 2, 4, 4), 1e-6);
        // fp16 gradients, float32 weights: 2 × 2 × 2 MB + 4 MB + 2 × 4 MB = 20 MB.
        assertEquals(20e6, MacFloor.macBytesPerStep(1_000_000, 2, 2, 4), 1e-6);
        // One worker: 4 + 4 + 4 + 4 MB.
        assertEquals(16e6, MacFloor.macBytesPerStep(1_000_000, 1, 4, 4), 1e-6);
        // Threshold-coded gradients are not counted: only the weights' 4 + 2 × 4 MB.
        assertEquals(12e6, MacFloor.macBytesPerStep(1_000_000, 2, 0, 4), 1e-6);
    }

    @Test
    void shouldSpreadTheMacsCpuTimeOverTheCoresWhenSaturated()
    {
        // W = 28 MB ÷ 7 GB/s = 4 ms; 3 processes on 2 cores: 1 + 4 ms ÷ (2 × 20 ms) = 1.1.
        final MacFloor floor = new MacFloor(2, "chacha20-poly1305", 28e6, 7e9, 3, 2, 0.020, 1.12, false, false);
        assertEquals(0.004, floor.cpuSecondsPerStep(), 1e-12);
        assertEquals(2, floor.parallel());
        assertTrue(floor.saturated());
        assertEquals(1.1, floor.floor(), 1e-12);
        assertEquals("2 workers, MAC step cost: measured ×1.120, floor on this host ×1.100 (W = 4.00 ms CPU per " +
            "step: 28.0 MB at 7.00 GB per CPU-second of chacha20-poly1305; 3 processes on 2 cores)", floor.line());
        assertEquals(1.1, (double)floor.toJson().get("floor_step_ratio"), 1e-12);
        assertEquals(1.12, (double)floor.toJson().get("step_ratio"), 1e-12);
        assertEquals(true, floor.toJson().get("saturated"));
    }

    @Test
    void shouldSpreadItOverTheProcessesWhenCoresAreSpare()
    {
        // 3 processes on 4 cores: 1 + 4 ms ÷ (3 × 20 ms) = 1.0667.
        final MacFloor floor = new MacFloor(2, "aes-gmac", 28e6, 7e9, 3, 4, 0.020, 1.05, false, false);
        assertEquals(3, floor.parallel());
        assertFalse(floor.saturated());
        assertEquals(1 + 4.0 / 60, floor.floor(), 1e-12);
        assertTrue(floor.line().contains("floor if every process's MAC is on the step's path (cores not " +
            "saturated) ×1.067"), floor.line());
    }

    @Test
    void shouldSayWhenTheLinksWereShapedOrBytesLeftOut()
    {
        final MacFloor floor = new MacFloor(2, "aes-gmac", 12e6, 6e9, 3, 2, 0.080, 0.99, true, true);
        // W = 2 ms; 1 + 2 ms ÷ (2 × 80 ms) = 1.0125.
        assertEquals(1.0125, floor.floor(), 1e-12);
        assertTrue(floor.line().contains("floor were the cores the bottleneck (links shaped: the MAC can hide " +
            "behind the wire) ×1.013"), floor.line());
        assertTrue(floor.line().endsWith("; threshold-coded bytes not counted)"), floor.line());
    }
}
