package io.descent.bench.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The least-squares growth against lines whose slope is known, with noise that does not tilt it, and gaps. */
class GrowthTest
{
    @Test
    void shouldFitTheSlopeOfALineThroughNoise()
    {
        final List<MemorySample> samples = new ArrayList<>();
        for (int i = 0; i <= 100; i++)
        {
            final double t = 10.0 * i;
            // 1 MB/h over 1000 MB, with ±3 MB of noise even about the middle sample: it does not tilt the fit.
            final double noise = Math.abs(i - 50) < 25 ? 3e6 : -3e6;
            samples.add(sample(t, 50.0 * t, 1e9 + t * (1e6 / 3600.0) + noise));
        }
        final Growth growth = Growth.of(samples, MemorySample::residentBytes);
        assertEquals(101, growth.samples());
        assertEquals(1e6, growth.perHour(), 1e-3);
        assertEquals(100.0 * growth.perHour() / growth.mean(), growth.percentPerHour(), 1e-12);
        assertEquals(0.1, growth.percentPerHour(), 0.002);
        assertEquals(growth.perHour() / 3600.0 / 50.0, growth.perStep(), 1e-9);
    }

    @Test
    void shouldLeaveOutMissingValuesAndSayNothingWithoutTwoSamples()
    {
        final List<MemorySample> samples = List.of(sample(0, 0, 100.0), sample(1, 10, Double.NaN),
            sample(2, 20, 104.0));
        final Growth growth = Growth.of(samples, MemorySample::residentBytes);
        assertEquals(2, growth.samples());
        assertEquals(2.0 * 3600.0, growth.perHour(), 1e-9);
        assertEquals(100.0, growth.first());
        assertEquals(104.0, growth.last());

        final Growth one = Growth.of(samples.subList(0, 1), MemorySample::residentBytes);
        assertTrue(Double.isNaN(one.perHour()) && Double.isNaN(one.percentPerHour()) && Double.isNaN(one.perStep()));
        assertTrue(Double.isNaN(Growth.of(List.of(), MemorySample::residentBytes).mean()));
    }

    @Test
    void shouldNotGiveAPerStepGrowthWhenNoStepWasTaken()
    {
        final Growth growth = Growth.of(List.of(sample(0, 7, 1.0), sample(5, 7, 2.0)), MemorySample::residentBytes);
        assertTrue(Double.isNaN(growth.perStep()));
        assertEquals(3600.0 / 5.0, growth.perHour(), 1e-9);
    }

    private static MemorySample sample(final double seconds, final double steps, final double rss)
    {
        return new MemorySample(seconds, steps, rss, rss / 2, 1e6, 0.0, 0.0, 0.0);
    }
}
