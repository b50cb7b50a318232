package io.descent.bench.scale;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's fold and momentum-SGD update against their closed form. */
class ServerUpdateTest
{
    private static final double LR = ServerUpdate.LEARNING_RATE;
    private static final double MU = ServerUpdate.MOMENTUM;

    @Test
    void shouldFoldTheRanksWeightedAndStepWithMomentumAsTheClosedForm()
    {
        final float[] w0 = { 0.5f, -1.0f, 2.0f, 0.25f };
        final float[] a = { 0.2f, 0.4f, -0.6f, 1.0f };
        final float[] b = { -0.2f, 0.8f, 0.2f, 3.0f };
        final float[] c = { 1.0f, 0.0f, -1.0f, 0.5f };
        final var parameters = Nd4j.createFromArray(w0.clone());
        final ServerUpdate update = new ServerUpdate(parameters);
        // Step 1, two ranks of weight 1/2: g = (a + b) / 2, v = g, w1 = w0 − lr·g.
        assertTrue(update.apply(ServerUpdate.fold(ServerUpdate.fold(null, Nd4j.createFromArray(a.clone()), 0.5),
            Nd4j.createFromArray(b.clone()), 0.5)));
        final double[] g = new double[w0.length];
        final double[] w1 = new double[w0.length];
        for (int i = 0; i < w0.length; i++)
        {
            g[i] = (a[i] + b[i]) / 2.0;
            w1[i] = w0[i] - LR * g[i];
        }
        assertArrayEquals(w1, toDouble(parameters.toFloatVector()), 1e-6);
        // Step 2, one rank of weight 1: v = μ·g + c, w2 = w1 − lr·v.
        assertTrue(update.apply(ServerUpdate.fold(null, Nd4j.createFromArray(c.clone()), 1.0)));
        final double[] w2 = new double[w0.length];
        for (int i = 0; i < w0.length; i++)
        {
            w2[i] = w1[i] - LR * (MU * g[i] + c[i]);
        }
        assertArrayEquals(w2, toDouble(parameters.toFloatVector()), 1e-6);
    }

    @Test
    void shouldApplyNothingFromASumThatIsNotFinite()
    {
        final float[] w0 = { 0.5f, -1.0f, 2.0f };
        final var parameters = Nd4j.createFromArray(w0.clone());
        final ServerUpdate update = new ServerUpdate(parameters);
        assertFalse(update.apply(ServerUpdate.fold(null, Nd4j.createFromArray(1.0f, Float.NaN, 0.0f), 1.0)));
        assertArrayEquals(w0, parameters.toFloatVector());
    }

    static double[] toDouble(final float[] values)
    {
        final double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++)
        {
            doubles[i] = values[i];
        }
        return doubles;
    }
}
