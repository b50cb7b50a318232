package io.descent.bench.scale;

import io.descent.bench.transport.ChunkTagger;
import io.descent.transport.wire.ChunkAuth;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's step work of the ceiling: its weights after steps for N workers are one momentum-SGD step on the mean
 * of the N received gradients, step after step, and every worker's publication holds them.
 */
class ServerStepWorkTest
{
    /** More than one 64 KiB chunk of the data plane, not a whole number of them. */
    private static final int FLOATS = 20_000;

    @ParameterizedTest
    @EnumSource(value = ChunkAuth.class, names = { "CRC_ONLY", "AES_GMAC", "HMAC_SHA256" })
    void shouldUpdateTheWeightsByTheMeanOfTheReceivedGradientsAsSgdWithMomentum(final ChunkAuth auth)
    {
        final ServerStepWork work = new ServerStepWork(FLOATS, 3, new ChunkTagger(auth), 7);
        final float[] w0 = work.weights();
        final float[][] received = { work.received(0), work.received(1), work.received(2) };
        // Step 1 for 2 workers: g = (r0 + r1) / 2, v1 = g, w1 = w0 − lr·g. Step 2 for 3: h = (r0 + r1 + r2) / 3,
        // v2 = μ·g + h, w2 = w1 − lr·v2 (the receive buffers hold the same gradients every step).
        assertTrue(work.step(2));
        final double[] g = new double[FLOATS];
        final double[] w1 = new double[FLOATS];
        for (int i = 0; i < FLOATS; i++)
        {
            g[i] = (received[0][i] + received[1][i]) / 2.0;
            w1[i] = w0[i] - ServerUpdate.LEARNING_RATE * g[i];
        }
        assertArrayEquals(w1, toDouble(work.weights()), 1e-6);
        assertArrayEquals(work.weights(), work.published(0), "broadcast to rank 0");
        assertArrayEquals(work.weights(), work.published(1), "broadcast to rank 1");
        assertTrue(work.step(3));
        final double[] w2 = new double[FLOATS];
        for (int i = 0; i < FLOATS; i++)
        {
            final double h = (received[0][i] + received[1][i] + received[2][i]) / 3.0;
            w2[i] = w1[i] - ServerUpdate.LEARNING_RATE * (ServerUpdate.MOMENTUM * g[i] + h);
        }
        assertArrayEquals(w2, toDouble(work.weights()), 1e-6);
        assertArrayEquals(work.weights(), work.published(2), "broadcast to rank 2");
        assertArrayEquals(received[0], work.received(0), "the receive buffer is copied out, not changed");
    }

    private static double[] toDouble(final float[] values)
    {
        final double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++)
        {
            doubles[i] = values[i];
        }
        return doubles;
    }
}
