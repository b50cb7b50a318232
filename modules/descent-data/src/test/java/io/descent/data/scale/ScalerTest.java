package io.descent.data.scale;

import io.descent.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalerTest
{
    /**
     * Two features: the first varies, the second is constant 5.
     */
    private static Dataset rows(final float... firstFeature)
    {
        final float[] features = new float[firstFeature.length * 2];
        for (int i = 0; i < firstFeature.length; i++)
        {
            features[2 * i] = firstFeature[i];
            features[2 * i + 1] = 5.0f;
        }
        return Dataset.regression(features, 2, new float[firstFeature.length], 1, List.of());
    }

    @Test
    void shouldTakeMinMaxStatisticsFromTheTrainingSplitOnly()
    {
        final Dataset train = rows(2, 4, 6);
        final Dataset test = rows(0, 10);
        final Scaler scaler = Scaler.fit(ScalingKind.MIN_MAX, train);

        assertArrayEquals(new float[]{0, 0, 0.5f, 0, 1, 0}, scaler.apply(train).features());
        assertArrayEquals(new float[]{-0.5f, 0, 2, 0}, scaler.apply(test).features());
        assertArrayEquals(new float[]{0, 5, 10, 5}, test.features(), "the input is not modified");
    }

    @Test
    void shouldStandardizeWithTrainingMeanAndStd()
    {
        final Dataset train = rows(1, 3);
        final Scaler scaler = Scaler.fit(ScalingKind.STANDARDIZE, train);

        assertArrayEquals(new float[]{-1, 0, 1, 0}, scaler.apply(train).features());
        assertArrayEquals(new float[]{2, 0}, scaler.apply(rows(4)).features());
    }

    @Test
    void shouldNotProduceNaNForConstantFeatures()
    {
        for (final ScalingKind kind : ScalingKind.values())
        {
            final Dataset constant = rows(7, 7, 7);
            final Scaler scaler = Scaler.fit(kind, constant);
            for (final float value : scaler.apply(constant).features())
            {
                assertTrue(Float.isFinite(value), kind + " gave " + value);
            }
            for (final float value : scaler.apply(rows(8)).features())
            {
                assertTrue(Float.isFinite(value), kind + " gave " + value);
            }
        }
    }

    @Test
    void shouldUseOneRangeForGlobalMinMax()
    {
        final Dataset train = Dataset.regression(new float[]{0, 255, 10, 20}, 2, new float[2], 1, List.of());
        final Scaler scaler = Scaler.fit(ScalingKind.GLOBAL_MIN_MAX, train);
        assertArrayEquals(new float[]{0, 1, 10 / 255f, 20 / 255f}, scaler.apply(train).features(), 1e-7f);
    }

    @Test
    void shouldLeaveDataAloneForNone()
    {
        final Dataset train = rows(1, 2);
        assertSame(train, Scaler.fit(ScalingKind.NONE, train).apply(train));
    }

    @Test
    void shouldKeepTargetsAndLabels()
    {
        final Dataset train = Dataset.classification(new float[]{1, 2}, 1, new int[]{1, 0}, List.of("a", "b"), List.of());
        final Dataset scaled = Scaler.fit(ScalingKind.MIN_MAX, train).apply(train);
        assertArrayEquals(train.labels(), scaled.labels());
        assertArrayEquals(train.targets(), scaled.targets());
        assertEquals(train.classNames(), scaled.classNames());
    }
}
