package io.descent.data.synthetic;

import io.descent.data.Dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of small problems with known answers, for tests, presets and benchmarks.
 *
 * <p>Each uses {@link java.util.Random} with an explicit seed (its algorithms, including {@code nextGaussian}, are
 * specified by the JDK), so a seed gives the same data on every JVM. Stateless and thread-safe.
 */
public final class Synthetic
{
    private Synthetic()
    {
    }

    /**
     * Linear regression: features {@code x ~ N(0, 1)} independently, target
     * {@code y = x·coefficients + bias + ε} with {@code ε ~ N(0, noiseStd²)}.
     *
     * @param n            number of rows, ≥ 1.
     * @param coefficients one weight per feature (length = number of features, ≥ 1).
     * @param bias         the intercept.
     * @param noiseStd     standard deviation of the additive noise, ≥ 0.
     * @param seed         the seed.
     * @return a regression dataset with one target.
     */
    public static Dataset linearRegression(
        final int n, final double[] coefficients, final double bias, final double noiseStd, final long seed)
    {
        final int d = coefficients.length;
        final Random random = new Random(seed);
        final float[] features = new float[Math.multiplyExact(n, d)];
        final float[] targets = new float[n];
        for (int row = 0; row < n; row++)
        {
            double y = bias;
            for (int j = 0; j < d; j++)
            {
                final float x = (float)random.nextGaussian();
                features[row * d + j] = x;
                y += coefficients[j] * x;
            }
            targets[row] = (float)(y + noiseStd * random.nextGaussian());
        }
        return Dataset.regression(features, d, targets, 1, names(d));
    }

    /**
     * The XOR problem, which no linear model can fit: each row picks a corner {@code (a, b)} of {@code {-1, 1}²}
     * uniformly, adds {@code N(0, noise²)} to each coordinate, and has class {@code 1} if {@code a != b} else
     * {@code 0}.
     *
     * @param n     number of rows, ≥ 1.
     * @param noise standard deviation of the jitter around each corner, ≥ 0 (0.2 keeps the classes apart).
     * @param seed  the seed.
     * @return a classification dataset with 2 features and 2 classes.
     */
    public static Dataset xor(final int n, final double noise, final long seed)
    {
        final Random random = new Random(seed);
        final float[] features = new float[Math.multiplyExact(n, 2)];
        final int[] labels = new int[n];
        for (int row = 0; row < n; row++)
        {
            final boolean a = random.nextBoolean();
            final boolean b = random.nextBoolean();
            features[2 * row] = (float)((a ? 1 : -1) + noise * random.nextGaussian());
            features[2 * row + 1] = (float)((b ? 1 : -1) + noise * random.nextGaussian());
            labels[row] = a != b ? 1 : 0;
        }
        return Dataset.classification(features, 2, labels, List.of("0", "1"), names(2));
    }

    /**
     * Labels from a random teacher network, a classification problem a small MLP can learn; teacher and samples
     * both come from {@code seed}. See {@link TeacherNetwork}.
     *
     * @param n       number of rows, ≥ 1.
     * @param inputs  features per row, ≥ 1.
     * @param hidden  hidden units of the teacher, ≥ 1.
     * @param classes number of classes, ≥ 2.
     * @param seed    the seed.
     * @return a classification dataset.
     */
    public static Dataset teacher(final int n, final int inputs, final int hidden, final int classes, final long seed)
    {
        return new TeacherNetwork(inputs, hidden, classes, seed).sample(n, seed);
    }

    /**
     * A known nonlinear regression function: features {@code x ~ U(-2, 2)} independently, target
     * {@code y = sin(2·x₁) + x₂²/2 + ε} with {@code ε ~ N(0, noiseStd²)}; features beyond the second are
     * distractors that do not affect {@code y}.
     *
     * @param n        number of rows, ≥ 1.
     * @param features features per row, ≥ 2.
     * @param noiseStd standard deviation of the additive noise, ≥ 0.
     * @param seed     the seed.
     * @return a regression dataset with one target.
     */
    public static Dataset regressionFunction(final int n, final int features, final double noiseStd, final long seed)
    {
        if (features < 2)
        {
            throw new IllegalArgumentException("regressionFunction needs >= 2 features: " + features);
        }
        final Random random = new Random(seed);
        final float[] x = new float[Math.multiplyExact(n, features)];
        final float[] y = new float[n];
        for (int row = 0; row < n; row++)
        {
            for (int j = 0; j < features; j++)
            {
                x[row * features + j] = (float)(4.0 * random.nextDouble() - 2.0);
            }
            final double x1 = x[row * features];
            final double x2 = x[row * features + 1];
            y[row] = (float)(StrictMath.sin(2.0 * x1) + 0.5 * x2 * x2 + noiseStd * random.nextGaussian());
        }
        return Dataset.regression(x, features, y, 1, names(features));
    }

    static List<String> names(final int count)
    {
        final List<String> names = new ArrayList<>(count);
        for (int j = 0; j < count; j++)
        {
            names.add("x" + (j + 1));
        }
        return names;
    }
}
