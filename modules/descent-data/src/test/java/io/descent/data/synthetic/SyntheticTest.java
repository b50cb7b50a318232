package io.descent.data.synthetic;

import io.descent.data.Dataset;
import io.descent.data.Task;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticTest
{
    @Test
    void shouldBeDeterministicForASeed()
    {
        assertArrayEquals(Synthetic.xor(100, 0.2, 5).features(), Synthetic.xor(100, 0.2, 5).features());
        assertFalse(Arrays.equals(Synthetic.xor(100, 0.2, 5).features(), Synthetic.xor(100, 0.2, 6).features()));
        assertArrayEquals(Synthetic.teacher(200, 6, 8, 3, 1).labels(), Synthetic.teacher(200, 6, 8, 3, 1).labels());
        final double[] w = {1, -2};
        assertArrayEquals(Synthetic.linearRegression(50, w, 1, 0.1, 3).targets(),
            Synthetic.linearRegression(50, w, 1, 0.1, 3).targets());
        assertArrayEquals(Synthetic.regressionFunction(50, 3, 0.1, 3).features(),
            Synthetic.regressionFunction(50, 3, 0.1, 3).features());
    }

    @Test
    void shouldSatisfyTheLinearModelWithinTheNoise()
    {
        final double[] w = {0.5, -1.5, 2.0};
        final double bias = 0.25;
        final double noise = 0.1;
        final Dataset data = Synthetic.linearRegression(20_000, w, bias, noise, 11);
        assertEquals(Task.REGRESSION, data.task());
        assertEquals(3, data.numFeatures());

        double sumSquares = 0;
        double sum = 0;
        for (int row = 0; row < data.size(); row++)
        {
            double prediction = bias;
            for (int j = 0; j < 3; j++)
            {
                prediction += w[j] * data.features()[row * 3 + j];
            }
            final double residual = data.targets()[row] - prediction;
            sum += residual;
            sumSquares += residual * residual;
        }
        final double mean = sum / data.size();
        final double std = Math.sqrt(sumSquares / data.size() - mean * mean);
        assertEquals(0.0, mean, 0.005);
        assertEquals(noise, std, 0.005);
    }

    @Test
    void shouldMakeXorWithBothClassesAtOppositeCorners()
    {
        final Dataset data = Synthetic.xor(4000, 0.1, 2);
        assertEquals(2, data.numFeatures());
        assertEquals(2, data.numOutputs());
        int ones = 0;
        for (int row = 0; row < data.size(); row++)
        {
            final float x = data.features()[2 * row];
            final float y = data.features()[2 * row + 1];
            assertEquals(x * y < 0 ? 1 : 0, data.labels()[row], "row " + row);
            ones += data.labels()[row];
        }
        assertEquals(2000, ones, 150);
    }

    @Test
    void shouldLabelWithTheTeacherAndUseEveryClass()
    {
        final TeacherNetwork teacher = new TeacherNetwork(10, 16, 4, 8);
        final Dataset data = teacher.sample(5000, 99);
        final int[] counts = new int[4];
        for (int row = 0; row < data.size(); row++)
        {
            final double[] x = new double[10];
            for (int j = 0; j < 10; j++)
            {
                x[j] = data.features()[row * 10 + j];
            }
            assertEquals(teacher.classify(x), data.labels()[row]);
            counts[data.labels()[row]]++;
        }
        for (final int count : counts)
        {
            assertTrue(count > 100, Arrays.toString(counts));
        }
    }

    @Test
    void shouldFollowTheKnownRegressionFunction()
    {
        final Dataset data = Synthetic.regressionFunction(1000, 4, 0.0, 3);
        for (int row = 0; row < data.size(); row++)
        {
            final double x1 = data.features()[row * 4];
            final double x2 = data.features()[row * 4 + 1];
            assertTrue(Math.abs(x1) <= 2 && Math.abs(x2) <= 2);
            assertEquals(Math.sin(2 * x1) + 0.5 * x2 * x2, data.targets()[row], 1e-5);
        }
    }
}
