package io.descent.nn;

import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks in double precision: every activation in a hidden layer, every loss at the
 * output (with the output activations it allows), and dropout.
 */
class GradientCheckTest
{
    private static final double STEP = 1e-6;
    private static final double TOLERANCE = 1e-6;
    private static final WeightInit INIT = new WeightInit(WeightInit.Kind.XAVIER_NORMAL, 0.0);
    private static final WeightInit BIAS = new WeightInit(WeightInit.Kind.NORMAL, 0.1);

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Activation hidden : Activation.values())
        {
            for (final Loss loss : Loss.values())
            {
                final List<Activation> outputs = loss.requiredOutput() != null ?
                    List.of(loss.requiredOutput()) : List.of(Activation.IDENTITY, Activation.TANH, Activation.SOFTMAX);
                for (final Activation output : outputs)
                {
                    cases.add(Arguments.of(hidden, loss, output));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "hidden {0}, loss {1}, output {2}")
    @MethodSource("cases")
    void shouldMatchFiniteDifferences(final Activation hidden, final Loss loss, final Activation output)
    {
        final ModelSpec spec = new ModelSpec(5, List.of(
            new LayerSpec.Dense(6, hidden, INIT, BIAS),
            new LayerSpec.Dense(4, Activation.TANH, INIT, BIAS),
            new LayerSpec.Dense(3, output, INIT, BIAS)));
        final Model model = Model.create(spec, DataType.DOUBLE, 7);
        checkGradients(model, loss, 11, 0);
    }

    @Test
    void shouldMatchFiniteDifferencesThroughDropout()
    {
        final ModelSpec spec = new ModelSpec(5, List.of(
            new LayerSpec.Dense(8, Activation.RELU, INIT, BIAS),
            new LayerSpec.Dropout(0.5),
            new LayerSpec.Dense(3, Activation.SOFTMAX, INIT, BIAS)));
        final Model model = Model.create(spec, DataType.DOUBLE, 3);
        checkGradients(model, Loss.CROSS_ENTROPY, 13, 99);
    }

    /**
     * Compares the analytic gradient with central differences of the training loss. With {@code noiseSeed != 0}
     * the dropout masks are reseeded before every evaluation so each sees the same mask.
     */
    static void checkGradients(final Model model, final Loss loss, final long dataSeed, final long noiseSeed)
    {
        final int batch = 4;
        final INDArray x = randomMatrix(batch, model.spec().inputs(), dataSeed);
        final INDArray y = targets(loss, batch, model.spec().outputs(), dataSeed + 1);
        model.seedNoise(noiseSeed);
        model.computeGradients(x, y, loss);
        final double[] analytic = model.gradients().toDoubleVector();
        final INDArray params = model.parameters();
        double worst = 0.0;
        for (int i = 0; i < params.length(); i++)
        {
            final double original = params.getDouble(i);
            params.putScalar(i, original + STEP);
            model.seedNoise(noiseSeed);
            final double plus = model.computeGradients(x, y, loss);
            params.putScalar(i, original - STEP);
            model.seedNoise(noiseSeed);
            final double minus = model.computeGradients(x, y, loss);
            params.putScalar(i, original);
            final double numeric = (plus - minus) / (2 * STEP);
            final double error = Math.abs(numeric - analytic[i]) / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic[i]));
            if (Math.abs(numeric - analytic[i]) > 1e-9)
            {
                worst = Math.max(worst, error);
            }
        }
        assertTrue(worst < TOLERANCE, "worst relative error " + worst + " for " + model.fingerprint().architecture() +
            " with " + loss);
    }

    static INDArray randomMatrix(final int rows, final int columns, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] values = new double[rows * columns];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = random.nextGaussian();
        }
        return Nd4j.create(values, new long[]{ rows, columns }, 'c');
    }

    private static INDArray targets(final Loss loss, final int rows, final int columns, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final INDArray targets = Nd4j.zeros(DataType.DOUBLE, rows, columns);
        for (int r = 0; r < rows; r++)
        {
            if (loss == Loss.CROSS_ENTROPY)
            {
                targets.putScalar(r, random.nextInt(columns), 1.0);
                continue;
            }
            for (int c = 0; c < columns; c++)
            {
                targets.putScalar(r, c, loss == Loss.BINARY_CROSS_ENTROPY ? random.nextInt(2) : random.nextGaussian());
            }
        }
        return targets;
    }
}
