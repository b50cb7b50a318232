package io.descent.bench.model;

import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import io.descent.nn.loss.Loss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Measures one worker's forward + backward of an MLP at a batch size on this host, with the calling thread's BLAS
 * threads: the median of several timed rounds after a warm-up. Confined to the calling thread.
 */
public final class ComputeProbe
{
    private static final int WARMUP_STEPS = 3;
    private static final int ROUNDS = 5;

    private ComputeProbe()
    {
    }

    /**
     * @param spec  the model.
     * @param batch examples per step.
     * @return seconds per step (gradients only: the server runs the optimizer).
     */
    public static double secondsPerStep(final ModelSpec spec, final int batch)
    {
        final Model net = Model.create(spec, 1);
        final INDArray features = Nd4j.rand(DataType.FLOAT, batch, spec.inputs());
        final INDArray targets = Nd4j.zeros(DataType.FLOAT, batch, spec.outputs());
        for (int i = 0; i < batch; i++)
        {
            targets.putScalar(i, i % spec.outputs(), 1.0);
        }
        for (int i = 0; i < WARMUP_STEPS; i++)
        {
            net.computeGradients(features, targets, Loss.CROSS_ENTROPY);
        }
        final double[] seconds = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++)
        {
            final long start = System.nanoTime();
            net.computeGradients(features, targets, Loss.CROSS_ENTROPY);
            seconds[round] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[ROUNDS / 2];
    }

    /** @return bytes of the float32 parameter vector of {@code spec}. */
    public static long modelBytes(final ModelSpec spec)
    {
        return Model.create(spec, 1).parameterCount() * Float.BYTES;
    }
}
