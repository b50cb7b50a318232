package io.descent.data.split;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitsTest
{
    /**
     * Row i has the single feature i, so a split's rows can be read back from its features.
     */
    private static Dataset numbered(final int n)
    {
        final float[] features = new float[n];
        final int[] labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            features[i] = i;
            labels[i] = i % 3;
        }
        return Dataset.classification(features, 1, labels, List.of("a", "b", "c"), List.of());
    }

    private static int[] rows(final Dataset dataset)
    {
        final int[] rows = new int[dataset.size()];
        for (int i = 0; i < rows.length; i++)
        {
            rows[i] = (int)dataset.features()[i];
        }
        return rows;
    }

    @Test
    void shouldSplitIntoDisjointPartsOfTheRightSize()
    {
        final DatasetPair pair = Splits.trainValidation(numbered(1000), 0.1, 7);
        assertEquals(900, pair.train().size());
        assertEquals(100, pair.validation().size());
        final int[] all = IntStream.concat(Arrays.stream(rows(pair.train())), Arrays.stream(rows(pair.validation())))
            .sorted().toArray();
        assertArrayEquals(IntStream.range(0, 1000).toArray(), all);
        for (int i = 0; i < pair.train().size(); i++)
        {
            assertEquals(rows(pair.train())[i] % 3, pair.train().labels()[i]);
        }
    }

    @Test
    void shouldBeSeeded()
    {
        final Dataset data = numbered(500);
        assertArrayEquals(rows(Splits.trainValidation(data, 0.2, 1).validation()),
            rows(Splits.trainValidation(data, 0.2, 1).validation()));
        assertFalse(Arrays.equals(rows(Splits.trainValidation(data, 0.2, 1).validation()),
            rows(Splits.trainValidation(data, 0.2, 2).validation())));
    }

    @Test
    void shouldKeepAtLeastOneRowOnEachSide()
    {
        assertEquals(1, Splits.trainTest(numbered(3), 0.01, 1).test().size());
        assertEquals(1, Splits.trainTest(numbered(3), 0.99, 1).train().size());
        assertEquals(13, Splits.heldOutSize(101, 0.125));
    }

    @Test
    void shouldRejectBadFractionsAndTinyDatasets()
    {
        final BadInputException ex =
            assertThrows(BadInputException.class, () -> Splits.trainValidation(numbered(10), 1.0, 1));
        assertTrue(ex.getMessage().contains("validation fraction 1.0 is outside (0, 1)"), ex.getMessage());
        assertThrows(BadInputException.class, () -> Splits.trainValidation(numbered(10), 0.0, 1));
        assertThrows(BadInputException.class, () -> Splits.trainValidation(numbered(10), Double.NaN, 1));
        assertThrows(BadInputException.class, () -> Splits.trainValidation(numbered(1), 0.5, 1));
    }
}
