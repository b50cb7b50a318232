package io.descent.nn.optim;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The divergence check against every kind of non-finite value at every kind of position (first, middle, and in the
 * tail a vectorised BLAS kernel handles apart), and against finite values whose absolute sum overflows float.
 */
class FiniteTest
{
    /** Not a multiple of any SIMD width, so the last elements go through a kernel's remainder loop. */
    private static final int LENGTH = 100_003;

    @Test
    void shouldAcceptFiniteVectors()
    {
        assertTrue(Finite.all(Nd4j.rand(DataType.FLOAT, LENGTH).subi(0.5)));
        assertTrue(Finite.all(Nd4j.zeros(DataType.FLOAT, LENGTH)));
        assertTrue(Finite.all(Nd4j.create(DataType.FLOAT, 0)));
    }

    @Test
    void shouldFindANanOrAnInfinityAnywhere()
    {
        for (final float bad : new float[]{ Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY })
        {
            for (final int at : new int[]{ 0, 1, LENGTH / 2, LENGTH - 2, LENGTH - 1 })
            {
                final INDArray vector = Nd4j.rand(DataType.FLOAT, LENGTH).subi(0.5);
                vector.putScalar(at, bad);
                assertFalse(Finite.all(vector), bad + " at " + at);
            }
        }
    }

    @Test
    void shouldFindOppositeInfinitiesThatASumWouldCancel()
    {
        final INDArray vector = Nd4j.zeros(DataType.FLOAT, LENGTH);
        vector.putScalar(3, Float.POSITIVE_INFINITY);
        vector.putScalar(LENGTH - 1, Float.NEGATIVE_INFINITY);
        assertFalse(Finite.all(vector));
    }

    @Test
    void shouldAcceptFiniteValuesWhoseAbsoluteSumOverflowsFloat()
    {
        final INDArray vector = Nd4j.zeros(DataType.FLOAT, LENGTH);
        for (int i = 0; i < 8; i++)
        {
            vector.putScalar(i * 1000L, i % 2 == 0 ? Float.MAX_VALUE : -Float.MAX_VALUE);
        }
        assertTrue(Finite.all(vector), "every element is finite: the overflowing sum alone must not fail the check");
        vector.putScalar(LENGTH - 1, Float.NaN);
        assertFalse(Finite.all(vector));
    }

    @Test
    void shouldCheckOnlyTheElementsOfAView()
    {
        final INDArray whole = Nd4j.zeros(DataType.FLOAT, LENGTH);
        whole.putScalar(LENGTH - 1, Float.NaN);
        final INDArray head = whole.get(NDArrayIndex.interval(0, LENGTH - 1));
        assertTrue(Finite.all(head), "the NaN lies outside the view");
        head.putScalar(10, Float.MAX_VALUE);
        head.putScalar(20, Float.MAX_VALUE);
        assertTrue(Finite.all(head), "the exact scan of a view reads the view, not the whole buffer");
        head.putScalar(30, Float.POSITIVE_INFINITY);
        assertFalse(Finite.all(head));
    }

    @Test
    void shouldCheckDoubles()
    {
        final INDArray vector = Nd4j.rand(DataType.DOUBLE, 1000);
        assertTrue(Finite.all(vector));
        vector.putScalar(999, Double.NaN);
        assertFalse(Finite.all(vector));
    }
}
