package io.descent.data.shard;

import io.descent.data.Dataset;
import io.descent.data.order.EpochOrder;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.data.synthetic.Synthetic;
import io.descent.nn.kernel.NativeAllocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Writing a dataset as shards and reading it back through the memory-mapped source. */
class ShardRoundTripTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryRowBitExactlyInShuffledOrder()
    {
        final Dataset data = Synthetic.teacher(1001, 13, 8, 5, 3);
        Sharder.write(data, dir.resolve("set"), 4, Scaler.fit(ScalingKind.NONE, data), "test");
        // Windows of 7 rows exercise the window arithmetic that files over 2 GiB rely on.
        for (final long window : new long[]{ ShardFile.DEFAULT_WINDOW_BYTES, 7L * 18 * Float.BYTES + 5 })
        {
            final ShardSource source = ShardSource.of(ShardSet.open(dir.resolve("set"), true, window));
            assertEquals(1001, source.size());
            assertEquals(data.classNames(), source.classNames());
            assertEquals(data.featureNames(), source.featureNames());
            assertSameBatches(data, source, 64);
        }
    }

    @Test
    void shouldRoundTripRegressionRowsWithSeveralTargets()
    {
        final Dataset one = Synthetic.regressionFunction(300, 4, 0.1, 2);
        final float[] targets = new float[600];
        for (int i = 0; i < 300; i++)
        {
            targets[2 * i] = one.targets()[i];
            targets[2 * i + 1] = -i;
        }
        final Dataset data = Dataset.regression(one.features(), 4, targets, 2, one.featureNames());
        final ShardManifest manifest = Sharder.write(data, dir.resolve("r"), 3, Scaler.fit(ScalingKind.NONE, data), "");
        assertEquals(100, manifest.rowsPerShard());
        final ShardSource source = ShardSource.of(ShardSet.open(dir.resolve("r"), true));
        assertSameBatches(data, source, 50);
        assertArrayEquals(data.features(), source.toDataset().features());
        assertArrayEquals(data.targets(), source.toDataset().targets());
    }

    @Test
    void shouldReadLabelsOfClassificationRows()
    {
        final Dataset data = Synthetic.xor(97, 0.2, 1);
        Sharder.write(data, dir.resolve("x"), 5, Scaler.fit(ScalingKind.NONE, data), "");
        final ShardSource source = ShardSource.of(ShardSet.open(dir.resolve("x"), true));
        final int[] order = EpochOrder.permutation(97, 4, 2);
        final int[] expected = new int[97];
        final int[] actual = new int[97];
        data.fillLabels(order, 0, 97, expected);
        source.fillLabels(order, 0, 97, actual);
        assertArrayEquals(expected, actual);
        assertArrayEquals(data.labels(), source.toDataset().labels());
    }

    @Test
    void shouldScaleOnReadAsTheScalerScalesInMemory()
    {
        final Dataset data = Synthetic.regressionFunction(500, 6, 0.1, 8);
        Sharder.write(data, dir.resolve("s"), 2, Scaler.fit(ScalingKind.NONE, data), "");
        final ShardSet set = ShardSet.open(dir.resolve("s"), true);
        for (final ScalingKind kind : ScalingKind.values())
        {
            final Scaler fromManifest = Scaler.fromStatistics(kind, set.manifest().statistics());
            final Dataset expected = Scaler.fit(kind, data).apply(data);
            final float[] actual = ShardSource.of(set).scaled(fromManifest).toDataset().features();
            // Streamed (Welford) and two-pass statistics agree to double rounding, so floats to about 1 ulp.
            for (int i = 0; i < actual.length; i++)
            {
                assertEquals(expected.features()[i], actual[i], 1e-5, kind + " value " + i);
            }
            final INDArray features = Nd4j.create(DataType.FLOAT, 500, 6);
            final INDArray targets = Nd4j.create(DataType.FLOAT, 500, 1);
            ShardSource.of(set).scaled(fromManifest).fill(EpochOrder.permutation(500, 1, 1), 0, 500, features,
                targets);
            final Dataset scaledInMemory = fromManifest.apply(data);
            final INDArray expectedFeatures = Nd4j.create(DataType.FLOAT, 500, 6);
            scaledInMemory.fill(EpochOrder.permutation(500, 1, 1), 0, 500, expectedFeatures, Nd4j.create(
                DataType.FLOAT, 500, 1));
            assertArrayEquals(expectedFeatures.data().asFloat(), features.data().asFloat(), kind.toString());
        }
    }

    @Test
    void shouldFillScaledBatchesWithoutAllocating()
    {
        final Dataset data = Synthetic.regressionFunction(500, 6, 0.1, 8);
        Sharder.write(data, dir.resolve("a"), 2, Scaler.fit(ScalingKind.NONE, data), "");
        final ShardSet set = ShardSet.open(dir.resolve("a"), true);
        final ShardSource source = ShardSource.of(set).scaled(Scaler.fromStatistics(ScalingKind.STANDARDIZE,
            set.manifest().statistics()));
        final int[] order = EpochOrder.permutation(500, 1, 1);
        final INDArray features = Nd4j.create(DataType.FLOAT, 50, 6);
        final INDArray targets = Nd4j.create(DataType.FLOAT, 50, 1);
        final NativeAllocations allocations = new NativeAllocations();
        final long before = allocations.created();
        for (int from = 0; from < 500; from += 50)
        {
            source.fill(order, from, 50, features, targets);
        }
        assertEquals(0, allocations.created() - before, "native allocations while filling 10 scaled batches");
    }

    @Test
    void shouldBakeWriteTimeScalingIntoTheRowsAndRecordIt()
    {
        final Dataset data = Synthetic.linearRegression(200, new double[]{ 1, -2, 3 }, 0.5, 0.1, 4);
        final Scaler scaler = Scaler.fit(ScalingKind.STANDARDIZE, data);
        Sharder.write(data, dir.resolve("b"), 1, scaler, "");
        final ShardSet set = ShardSet.open(dir.resolve("b"), true);
        assertEquals(ScalingKind.STANDARDIZE, set.manifest().scaling().kind());
        assertArrayEquals(scaler.offsets(), set.manifest().scaling().offsets());
        assertArrayEquals(scaler.factors(), set.manifest().scaling().factors());
        assertArrayEquals(scaler.apply(data).features(), ShardSource.of(set).toDataset().features());
        assertEquals(0.0, set.manifest().statistics().mean()[1], 1e-6);
        assertEquals(1.0, set.manifest().statistics().std()[1], 1e-6);
    }

    private static void assertSameBatches(final Dataset data, final ShardSource source, final int batch)
    {
        final int n = data.size();
        final int[] order = EpochOrder.permutation(n, 11, 1);
        final INDArray expectedFeatures = Nd4j.create(DataType.FLOAT, batch, data.numFeatures());
        final INDArray expectedTargets = Nd4j.create(DataType.FLOAT, batch, data.numOutputs());
        final INDArray features = Nd4j.create(DataType.FLOAT, batch, data.numFeatures());
        final INDArray targets = Nd4j.create(DataType.FLOAT, batch, data.numOutputs());
        int from = 0;
        for (; from + batch <= n; from += batch)
        {
            data.fill(order, from, batch, expectedFeatures, expectedTargets);
            source.fill(order, from, batch, features, targets);
            assertArrayEquals(bits(expectedFeatures), bits(features), "features of batch at " + from);
            assertArrayEquals(bits(expectedTargets), bits(targets), "targets of batch at " + from);
        }
        final int rest = n - from;
        if (rest > 0)
        {
            final INDArray lastFeatures = Nd4j.create(DataType.FLOAT, rest, data.numFeatures());
            final INDArray lastTargets = Nd4j.create(DataType.FLOAT, rest, data.numOutputs());
            source.fill(order, from, rest, lastFeatures, lastTargets);
            data.fill(order, from, rest, expectedFeatures.get(NDArrayIndex.interval(0, rest), NDArrayIndex.all()),
                expectedTargets.get(NDArrayIndex.interval(0, rest), NDArrayIndex.all()));
            assertArrayEquals(bits(expectedFeatures.get(NDArrayIndex.interval(0, rest), NDArrayIndex.all()).dup()),
                bits(lastFeatures), "features of the last batch");
            assertArrayEquals(bits(expectedTargets.get(NDArrayIndex.interval(0, rest), NDArrayIndex.all()).dup()),
                bits(lastTargets), "targets of the last batch");
        }
    }

    private static int[] bits(final INDArray array)
    {
        final float[] values = array.data().asFloat();
        final int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++)
        {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
