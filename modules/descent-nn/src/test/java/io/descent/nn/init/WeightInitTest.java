package io.descent.nn.init;

import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightInitTest
{
    private static final int FAN_IN = 300;
    private static final int FAN_OUT = 200;

    /** Expected variances from the definitions (Glorot 2010, He 2015, LeCun 1998). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "xavier-uniform, 0.004",          // 2 / (300 + 200)
        "xavier-normal,  0.004",
        "he-uniform,     0.0066666667",   // 2 / 300
        "he-normal,      0.0066666667",
        "lecun-normal,   0.0033333333",   // 1 / 300
        "uniform(0.1),   0.0033333333",   // a² / 3
        "normal(0.05),   0.0025",
    })
    void shouldDrawTheDocumentedMeanAndVariance(final String spec, final double variance)
    {
        final double[] values = draw(WeightInit.parse(spec, "model.init"));
        final double mean = mean(values);
        final double var = variance(values, mean);
        final double sd = Math.sqrt(variance);
        // 60 000 draws: the sample mean's standard error is sd/245, the variance's relative error about 0.6 %.
        assertEquals(0.0, mean, 5 * sd / Math.sqrt(values.length), spec + " mean");
        assertEquals(variance, var, 0.03 * variance, spec + " variance");
    }

    @Test
    void shouldKeepUniformDrawsInsideTheirLimit()
    {
        final double limit = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
        for (final double v : draw(WeightInit.parse("xavier-uniform", "k")))
        {
            assertTrue(Math.abs(v) <= limit + 1e-7, "draw " + v + " outside ±" + limit);
        }
    }

    @Test
    void shouldFillZerosAndConstants()
    {
        for (final double v : draw(WeightInit.ZEROS))
        {
            assertEquals(0.0, v);
        }
        for (final double v : draw(WeightInit.parse("constant(0.25)", "k")))
        {
            assertEquals(0.25, v, 1e-7);
        }
    }

    @Test
    void shouldBeDeterministicForASeed()
    {
        final WeightInit he = WeightInit.parse("he-normal", "k");
        assertArrayEquals(draw(he), draw(he));
    }

    @Test
    void shouldRejectUnknownNamesListingTheValidOnes()
    {
        final BadInputException ex = assertThrows(BadInputException.class,
            () -> WeightInit.parse("glorot", "model.init"));
        assertTrue(ex.getMessage().contains("model.init") && ex.getMessage().contains("xavier-normal"), ex.getMessage());
        assertThrows(BadInputException.class, () -> WeightInit.parse("uniform", "model.init"));
        assertThrows(BadInputException.class, () -> WeightInit.parse("normal(-1)", "model.init"));
    }

    private static double[] draw(final WeightInit init)
    {
        final INDArray target = Nd4j.create(DataType.FLOAT, FAN_IN, FAN_OUT);
        init.fill(target, FAN_IN, FAN_OUT, new SplittableRandom(1234));
        return target.ravel().toDoubleVector();
    }

    private static double mean(final double[] values)
    {
        double sum = 0;
        for (final double v : values)
        {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(final double[] values, final double mean)
    {
        double sum = 0;
        for (final double v : values)
        {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }
}
