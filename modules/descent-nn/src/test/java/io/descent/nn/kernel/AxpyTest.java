package io.descent.nn.kernel;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Axpy} against float arithmetic: every element is {@code y + (float)α · x} with both operations rounded, and
 * the same element computed within a shorter vector (a shard's range) is the same bits.
 */
class AxpyTest
{
    private static final int N = 168_003;
    private static final int CUT = 84_001;

    @Test
    void shouldRoundTheProductThenTheSumAtEveryPosition()
    {
        final float[] x = random(1);
        final float[] y = random(2);
        for (final double alpha : new double[] {-0.0137, 1.0 / 3, -1.0, 1.0, 0.5})
        {
            final INDArray whole = Nd4j.create(y.clone());
            new Axpy(whole).apply(alpha, Nd4j.create(x), whole);
            final float[] got = whole.toFloatVector();
            int wrong = 0;
            for (int i = 0; i < N; i++)
            {
                final float expected = y[i] + (float)alpha * x[i];
                wrong += Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(got[i]) ? 0 : 1;
            }
            assertEquals(0, wrong, "elements not round(y + round(a * x)) for a = " + alpha);
        }
    }

    @Test
    void shouldGiveARangeTheBitsOfTheWholeVector()
    {
        final float[] x = random(3);
        final float[] y = random(4);
        final INDArray whole = Nd4j.create(y.clone());
        new Axpy(whole).apply(-0.0137, Nd4j.create(x), whole);

        final float[] joined = new float[N];
        for (final int[] range : new int[][] {{0, CUT}, {CUT, N}})
        {
            final int length = range[1] - range[0];
            final INDArray part = Nd4j.create(slice(y, range[0], length));
            new Axpy(part).apply(-0.0137, Nd4j.create(slice(x, range[0], length)), part);
            System.arraycopy(part.toFloatVector(), 0, joined, range[0], length);
        }
        assertArrayEquals(whole.toFloatVector(), joined, "two ranges equal the whole vector bit for bit");
    }

    @Test
    void shouldAddAnotherVectorThroughTheSameScratch()
    {
        final INDArray y = Nd4j.zeros(DataType.FLOAT, 4);
        final Axpy axpy = new Axpy(y);
        axpy.apply(2.0, Nd4j.createFromArray(1f, 2f, 3f, 4f), y);
        axpy.apply(-0.5, Nd4j.createFromArray(4f, 4f, 4f, 4f), y);
        assertArrayEquals(new float[] {0f, 2f, 4f, 6f}, y.toFloatVector());
    }

    private static float[] random(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] values = new float[N];
        for (int i = 0; i < N; i++)
        {
            values[i] = (float)(random.nextDouble() - 0.5);
        }
        return values;
    }

    private static float[] slice(final float[] values, final int from, final int length)
    {
        final float[] part = new float[length];
        System.arraycopy(values, from, part, 0, length);
        return part;
    }
}
