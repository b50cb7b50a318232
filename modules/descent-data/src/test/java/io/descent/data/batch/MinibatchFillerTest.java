package io.descent.data.batch;

import io.descent.data.Dataset;
import io.descent.data.order.EpochOrder;
import io.descent.data.synthetic.Synthetic;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MinibatchFillerTest
{
    private static float[] row(final float[] data, final int row, final int width)
    {
        return Arrays.copyOfRange(data, row * width, (row + 1) * width);
    }

    private static void assertRowsEqual(
        final Dataset dataset, final int[] order, final int from, final INDArray features, final INDArray targets)
    {
        for (int i = 0; i < features.rows(); i++)
        {
            final int source = order[from + i];
            assertArrayEquals(row(dataset.features(), source, dataset.numFeatures()),
                features.getRow(i).toFloatVector(), "features of batch row " + i);
            assertArrayEquals(row(dataset.targets(), source, dataset.numOutputs()),
                targets.getRow(i).toFloatVector(), "targets of batch row " + i);
        }
    }

    @Test
    void shouldCopyTheSelectedRows()
    {
        final Dataset dataset = Synthetic.teacher(500, 13, 8, 4, 3);
        final int[] order = EpochOrder.permutation(dataset.size(), 9, 0);
        final INDArray features = Nd4j.create(DataType.FLOAT, new long[]{32, 13}, 'c');
        final INDArray targets = Nd4j.create(DataType.FLOAT, new long[]{32, 4}, 'c');

        MinibatchFiller.fill(dataset, order, 64, 32, features, targets);
        assertRowsEqual(dataset, order, 64, features, targets);

        MinibatchFiller.fill(dataset, order, 96, 32, features, targets);
        assertRowsEqual(dataset, order, 96, features, targets);
    }

    @Test
    void shouldFillARowRangeViewForAPartialLastBatch()
    {
        final Dataset dataset = Synthetic.linearRegression(50, new double[]{1, 2, 3}, 0.5, 0.1, 1);
        final int[] order = EpochOrder.permutation(50, 4, 1);
        final INDArray features = Nd4j.zeros(DataType.FLOAT, 16, 3);
        final INDArray targets = Nd4j.zeros(DataType.FLOAT, 16, 1);
        final INDArray featureView = features.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all());
        final INDArray targetView = targets.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all());

        MinibatchFiller.fill(dataset, order, 48, 2, featureView, targetView);
        assertRowsEqual(dataset, order, 48, featureView, targetView);
        assertEquals(0.0, features.get(NDArrayIndex.interval(2, 16), NDArrayIndex.all()).sumNumber().doubleValue());

        final INDArray middle = features.get(NDArrayIndex.interval(5, 7), NDArrayIndex.all());
        final INDArray middleTargets = targets.get(NDArrayIndex.interval(5, 7), NDArrayIndex.all());
        MinibatchFiller.fill(dataset, order, 10, 2, middle, middleTargets);
        assertRowsEqual(dataset, order, 10, middle, middleTargets);
        assertArrayEquals(row(dataset.features(), order[10], 3), features.getRow(5).toFloatVector());
    }

    @Test
    void shouldCopyLabels()
    {
        final Dataset dataset = Synthetic.xor(20, 0.1, 5);
        final int[] order = EpochOrder.permutation(20, 1, 0);
        final int[] labels = new int[4];
        MinibatchFiller.fillLabels(dataset, order, 3, 4, labels);
        for (int i = 0; i < 4; i++)
        {
            assertEquals(dataset.labels()[order[3 + i]], labels[i]);
        }
    }

    @Test
    void shouldRejectArraysOfTheWrongShapeTypeOrOrder()
    {
        final Dataset dataset = Synthetic.xor(20, 0.1, 5);
        final int[] order = EpochOrder.permutation(20, 1, 0);
        final INDArray targets = Nd4j.create(DataType.FLOAT, 4, 2);
        assertThrows(IllegalArgumentException.class, () -> MinibatchFiller.fill(
            dataset, order, 0, 4, Nd4j.create(DataType.FLOAT, 4, 3), targets));
        assertThrows(IllegalArgumentException.class, () -> MinibatchFiller.fill(
            dataset, order, 0, 4, Nd4j.create(DataType.DOUBLE, 4, 2), targets));
        assertThrows(IllegalArgumentException.class, () -> MinibatchFiller.fill(
            dataset, order, 0, 4, Nd4j.create(DataType.FLOAT, new long[]{4, 2}, 'f'), targets));
        assertThrows(IllegalArgumentException.class, () -> MinibatchFiller.fill(
            dataset, order, 18, 4, Nd4j.create(DataType.FLOAT, 4, 2), targets));
    }
}
