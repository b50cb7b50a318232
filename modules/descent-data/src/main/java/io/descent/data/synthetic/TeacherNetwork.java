package io.descent.data.synthetic;

import io.descent.data.Dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A fixed random one-hidden-layer network {@code argmax(W₂·tanh(W₁·x + b₁))} used to label random inputs
 * {@code x ~ N(0, 1)}: a classification problem that a small MLP can learn exactly.
 *
 * <p>Weights are Gaussian with standard deviation {@code 2/√inputs} (first layer, so the tanh units are clearly
 * nonlinear), {@code 1/√hidden} (second layer), hidden biases {@code N(0, 0.25)}, output biases zero. Class shares
 * are therefore uneven but every class is usually present. Immutable and thread-safe.
 */
public final class TeacherNetwork
{
    private final int inputs;
    private final int hidden;
    private final int classes;
    private final double[] w1;
    private final double[] b1;
    private final double[] w2;

    /**
     * @param inputs  features per row, ≥ 1.
     * @param hidden  hidden units, ≥ 1.
     * @param classes number of classes, ≥ 2.
     * @param seed    the seed of the teacher's weights.
     */
    public TeacherNetwork(final int inputs, final int hidden, final int classes, final long seed)
    {
        if (inputs < 1 || hidden < 1 || classes < 2)
        {
            throw new IllegalArgumentException(
                "need inputs >= 1, hidden >= 1, classes >= 2: " + inputs + ", " + hidden + ", " + classes);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        final Random random = new Random(seed ^ 0x7EAC4E5L);
        this.w1 = gaussian(random, hidden * inputs, 2.0 / Math.sqrt(inputs));
        this.b1 = gaussian(random, hidden, 0.5);
        this.w2 = gaussian(random, classes * hidden, 1.0 / Math.sqrt(hidden));
    }

    /**
     * Label {@code n} fresh inputs.
     *
     * @param n    number of rows, ≥ 1.
     * @param seed the seed of the inputs (use different seeds for train and test).
     * @return a classification dataset with class names {@code "0".."classes-1"}.
     */
    public Dataset sample(final int n, final long seed)
    {
        final Random random = new Random(seed);
        final float[] features = new float[Math.multiplyExact(n, inputs)];
        final int[] labels = new int[n];
        final double[] x = new double[inputs];
        for (int row = 0; row < n; row++)
        {
            for (int j = 0; j < inputs; j++)
            {
                x[j] = random.nextGaussian();
                features[row * inputs + j] = (float)x[j];
            }
            labels[row] = classify(x);
        }
        final List<String> classNames = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++)
        {
            classNames.add(Integer.toString(c));
        }
        return Dataset.classification(features, inputs, labels, classNames, Synthetic.names(inputs));
    }

    /**
     * Draw one row exactly as {@link #sample} does: inputs {@code x ~ N(0, 1)} from {@code random}, then its class.
     *
     * @param random   the row generator.
     * @param features receives the {@code inputs} features from index 0.
     * @param oneHot   zeroed array of at least {@code classes} entries; the row's class entry is set to 1.
     */
    void draw(final Random random, final float[] features, final float[] oneHot)
    {
        final double[] x = new double[inputs];
        for (int j = 0; j < inputs; j++)
        {
            x[j] = random.nextGaussian();
            features[j] = (float)x[j];
        }
        oneHot[classify(x)] = 1.0f;
    }

    /**
     * @param x one input row of length {@code inputs}.
     * @return the teacher's class for it.
     */
    public int classify(final double[] x)
    {
        final double[] activation = new double[hidden];
        for (int h = 0; h < hidden; h++)
        {
            double pre = b1[h];
            for (int j = 0; j < inputs; j++)
            {
                pre += w1[h * inputs + j] * x[j];
            }
            activation[h] = StrictMath.tanh(pre);
        }
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++)
        {
            double score = 0.0;
            for (int h = 0; h < hidden; h++)
            {
                score += w2[c * hidden + h] * activation[h];
            }
            if (score > bestScore)
            {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static double[] gaussian(final Random random, final int length, final double std)
    {
        final double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = std * random.nextGaussian();
        }
        return values;
    }
}
