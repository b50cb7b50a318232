package io.descent.nn.optim;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each optimizer step compared with the same update computed by hand on two-element vectors. */
class OptimizerTest
{
    private static final double EPS = 1e-12;

    @Test
    void shouldTakePlainSgdSteps()
    {
        final INDArray w = vector(1.0, -2.0);
        final Optimizer sgd = sgd(0.0, false, 0.0, 0.0);
        sgd.step(w, vector(0.5, 1.0), 0);
        assertArrayEquals(new double[]{ 1.0 - 0.1 * 0.5, -2.0 - 0.1 * 1.0 }, w.toDoubleVector(), EPS);
    }

    @Test
    void shouldAccumulateClassicMomentum()
    {
        final INDArray w = vector(1.0, -2.0);
        final Optimizer sgd = sgd(0.9, false, 0.0, 0.0);
        sgd.step(w, vector(0.5, 1.0), 0);     // v = g = (0.5, 1);         w = (0.95, -2.1)
        sgd.step(w, vector(0.5, -1.0), 1);    // v = 0.9 v + g = (0.95, -0.1); w -= 0.1 v
        assertArrayEquals(new double[]{ 0.95 - 0.095, -2.1 + 0.01 }, w.toDoubleVector(), EPS);
    }

    @Test
    void shouldLookAheadWithNesterov()
    {
        final INDArray w = vector(1.0, -2.0);
        final Optimizer sgd = sgd(0.9, true, 0.0, 0.0);
        sgd.step(w, vector(0.5, 1.0), 0);     // v = (0.5, 1); w -= 0.1 (g + 0.9 v) = 0.1 (0.95, 1.9)
        assertArrayEquals(new double[]{ 1.0 - 0.095, -2.0 - 0.19 }, w.toDoubleVector(), EPS);
        sgd.step(w, vector(0.5, -1.0), 1);    // v = (0.95, -0.1); w -= 0.1 (g + 0.9 v) = 0.1 (1.355, -1.09)
        assertArrayEquals(new double[]{ 0.905 - 0.1355, -2.19 + 0.109 }, w.toDoubleVector(), EPS);
    }

    @Test
    void shouldAddWeightDecayToTheGradient()
    {
        final INDArray w = vector(1.0, -2.0);
        sgd(0.0, false, 0.01, 0.0).step(w, vector(0.5, 1.0), 0);  // g + λw = (0.51, 0.98)
        assertArrayEquals(new double[]{ 1.0 - 0.051, -2.0 - 0.098 }, w.toDoubleVector(), EPS);
    }

    @Test
    void shouldClipTheGradientNorm()
    {
        final INDArray w = vector(0.0, 0.0);
        final INDArray g = vector(3.0, 4.0);                       // norm 5 → scaled to norm 1: (0.6, 0.8)
        sgd(0.0, false, 0.0, 1.0).step(w, g, 0);
        assertArrayEquals(new double[]{ -0.06, -0.08 }, w.toDoubleVector(), EPS);
        final INDArray small = vector(0.3, 0.4);                   // norm 0.5 < 1: untouched
        assertEquals(0.5, Optimizer.clipNorm(small, 1.0), EPS);
        assertArrayEquals(new double[]{ 0.3, 0.4 }, small.toDoubleVector(), EPS);
    }

    @Test
    void shouldTakeBiasCorrectedAdamSteps()
    {
        final OptimizerSettings settings = settings("adam", 0.0, false, 0.0, 0.0);
        final INDArray w = vector(1.0, -2.0);
        final Adam adam = new Adam(settings, LearningRateSchedule.constant(0.1), w);
        final double[] g1 = { 0.5, -1.0 };
        final double[] g2 = { 0.1, 2.0 };
        adam.step(w, vector(g1), 0);
        adam.step(w, vector(g2), 1);
        final double[] expected = { 1.0, -2.0 };
        final double[] m = new double[2];
        final double[] v = new double[2];
        final double[][] gs = { g1, g2 };
        for (int t = 1; t <= 2; t++)
        {
            for (int i = 0; i < 2; i++)
            {
                m[i] = 0.9 * m[i] + 0.1 * gs[t - 1][i];
                v[i] = 0.999 * v[i] + 0.001 * gs[t - 1][i] * gs[t - 1][i];
                final double mHat = m[i] / (1 - Math.pow(0.9, t));
                final double vHat = v[i] / (1 - Math.pow(0.999, t));
                expected[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        assertArrayEquals(expected, w.toDoubleVector(), 1e-9);
    }

    private static Optimizer sgd(final double momentum, final boolean nesterov, final double decay, final double clip)
    {
        final INDArray template = vector(0, 0);
        return new Sgd(settings("sgd", momentum, nesterov, decay, clip), LearningRateSchedule.constant(0.1), template);
    }

    private static OptimizerSettings settings(
        final String kind, final double momentum, final boolean nesterov, final double decay, final double clip)
    {
        return new OptimizerSettings(kind, 0.1, momentum, nesterov, decay, clip, 0.9, 0.999, 1e-8,
            new ScheduleSettings("constant", 1, 1, 0, 0));
    }

    private static INDArray vector(final double... values)
    {
        return Nd4j.createFromArray(values).castTo(DataType.DOUBLE);
    }
}
