package io.descent.data.synthetic;

import io.descent.data.Task;
import io.descent.data.order.SplitMix64;
import io.descent.data.settings.SyntheticSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Row-at-a-time counterparts of {@link SyntheticSource}: for equal (settings, seed) the first {@code samples} rows of
 * {@link #train} equal {@code SyntheticSource.generate(settings, seed).train()} bit for bit (and likewise for
 * {@link #test}), but any number of rows can be drawn in O(features) memory. Stateless factory.
 */
public final class SyntheticRows
{
    private SyntheticRows()
    {
    }

    /**
     * @param settings the validated synthetic settings ({@code samples} is ignored: the stream is endless).
     * @param seed     the seed of the problem and its rows.
     * @return the training rows.
     */
    public static RowStream train(final SyntheticSettings settings, final long seed)
    {
        return open(settings, seed, SplitMix64.derive(seed, SyntheticSource.TRAIN_STREAM));
    }

    /**
     * @param settings the validated synthetic settings.
     * @param seed     the seed of the problem (the rows use another stream than {@link #train}).
     * @return the test rows of the same problem.
     */
    public static RowStream test(final SyntheticSettings settings, final long seed)
    {
        return open(settings, seed, SplitMix64.derive(seed, SyntheticSource.TEST_STREAM));
    }

    private static RowStream open(final SyntheticSettings settings, final long seed, final long rowSeed)
    {
        final long problemSeed = SplitMix64.derive(seed, SyntheticSource.PROBLEM_STREAM);
        final Random random = new Random(rowSeed);
        return switch (settings.kind())
        {
            case TEACHER -> new Rows(Task.CLASSIFICATION, settings.features(), settings.classes(), random,
                new TeacherNetwork(settings.features(), settings.hidden(), settings.classes(), problemSeed)::draw);
            case LINEAR -> linear(SyntheticSource.coefficients(settings, problemSeed), settings, random);
            case XOR -> new Rows(Task.CLASSIFICATION, 2, 2, random, (r, x, y) ->
            {
                final boolean a = r.nextBoolean();
                final boolean b = r.nextBoolean();
                x[0] = (float)((a ? 1 : -1) + settings.noise() * r.nextGaussian());
                x[1] = (float)((b ? 1 : -1) + settings.noise() * r.nextGaussian());
                y[a != b ? 1 : 0] = 1.0f;
            });
            case FUNCTION -> new Rows(Task.REGRESSION, settings.features(), 1, random, (r, x, y) ->
            {
                for (int j = 0; j < settings.features(); j++)
                {
                    x[j] = (float)(4.0 * r.nextDouble() - 2.0);
                }
                final double x1 = x[0];
                final double x2 = x[1];
                y[0] = (float)(StrictMath.sin(2.0 * x1) + 0.5 * x2 * x2 + settings.noise() * r.nextGaussian());
            });
        };
    }

    private static RowStream linear(final double[] w, final SyntheticSettings settings, final Random random)
    {
        return new Rows(Task.REGRESSION, w.length, 1, random, (r, x, y) ->
        {
            double sum = settings.bias();
            for (int j = 0; j < w.length; j++)
            {
                x[j] = (float)r.nextGaussian();
                sum += w[j] * x[j];
            }
            y[0] = (float)(sum + settings.noise() * r.nextGaussian());
        });
    }

    /** Draws one row: features into {@code x}, targets into {@code y} (zeroed before). */
    @FunctionalInterface
    interface RowDraw
    {
        void draw(Random random, float[] x, float[] y);
    }

    private record Rows(Task task, int numFeatures, int numOutputs, Random random, RowDraw draw) implements RowStream
    {
        @Override
        public List<String> classNames()
        {
            final List<String> names = new ArrayList<>();
            for (int c = 0; task == Task.CLASSIFICATION && c < numOutputs; c++)
            {
                names.add(Integer.toString(c));
            }
            return names;
        }

        @Override
        public List<String> featureNames()
        {
            return Synthetic.names(numFeatures);
        }

        @Override
        public void next(final float[] features, final float[] targets)
        {
            Arrays.fill(targets, 0, numOutputs, 0.0f);
            draw.draw(random, features, targets);
        }
    }
}
