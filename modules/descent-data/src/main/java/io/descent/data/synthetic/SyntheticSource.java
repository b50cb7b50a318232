package io.descent.data.synthetic;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.order.SplitMix64;
import io.descent.data.settings.SyntheticSettings;

import java.util.Random;

/**
 * Builds the train and test sets of a synthetic source from its settings: the same problem (weights, teacher,
 * function), with train and test rows drawn from different seeds. Stateless and thread-safe.
 */
public final class SyntheticSource
{
    static final long TRAIN_STREAM = 1;
    static final long TEST_STREAM = 2;
    static final long PROBLEM_STREAM = 3;

    private SyntheticSource()
    {
    }

    /**
     * @param settings the validated synthetic settings.
     * @param seed     the seed of the problem and its rows.
     * @return (train, test) of {@code samples} and {@code testSamples} rows.
     */
    public static DatasetPair generate(final SyntheticSettings settings, final long seed)
    {
        final long trainSeed = SplitMix64.derive(seed, TRAIN_STREAM);
        final long testSeed = SplitMix64.derive(seed, TEST_STREAM);
        final long problemSeed = SplitMix64.derive(seed, PROBLEM_STREAM);
        return switch (settings.kind())
        {
            case LINEAR ->
            {
                final double[] w = coefficients(settings, problemSeed);
                yield new DatasetPair(
                    Synthetic.linearRegression(settings.samples(), w, settings.bias(), settings.noise(), trainSeed),
                    Synthetic.linearRegression(settings.testSamples(), w, settings.bias(), settings.noise(), testSeed));
            }
            case XOR -> new DatasetPair(
                Synthetic.xor(settings.samples(), settings.noise(), trainSeed),
                Synthetic.xor(settings.testSamples(), settings.noise(), testSeed));
            case TEACHER ->
            {
                final TeacherNetwork teacher =
                    new TeacherNetwork(settings.features(), settings.hidden(), settings.classes(), problemSeed);
                yield new DatasetPair(
                    teacher.sample(settings.samples(), trainSeed), teacher.sample(settings.testSamples(), testSeed));
            }
            case FUNCTION -> new DatasetPair(
                Synthetic.regressionFunction(settings.samples(), settings.features(), settings.noise(), trainSeed),
                Synthetic.regressionFunction(settings.testSamples(), settings.features(), settings.noise(), testSeed));
        };
    }

    static double[] coefficients(final SyntheticSettings settings, final long seed)
    {
        final double[] given = settings.coefficients();
        if (given.length > 0)
        {
            return given;
        }
        final Random random = new Random(seed);
        final double[] drawn = new double[settings.features()];
        for (int j = 0; j < drawn.length; j++)
        {
            drawn[j] = random.nextGaussian();
        }
        return drawn;
    }
}
