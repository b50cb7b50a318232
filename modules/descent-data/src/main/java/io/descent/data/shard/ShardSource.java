package io.descent.data.shard;

import io.descent.data.BatchBuffers;
import io.descent.data.Dataset;
import io.descent.data.ExampleSource;
import io.descent.data.Task;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * An {@link ExampleSource} over a memory-mapped {@link ShardSet}: all its rows or a subset (a split), optionally
 * scaled on read. A batch is one bulk copy per row from the mapped file into the destination arrays, each row then
 * (when scaled) scaled in place with the float arithmetic of {@link Scaler#apply(Dataset)}; no ND4J op runs, so a
 * batch allocates nothing native.
 *
 * <p>Heap cost: the row map of a subset (4 bytes per row); the rows themselves stay in the page cache. Immutable;
 * safe for several threads that fill their own arrays.
 */
public final class ShardSource implements ExampleSource
{
    private final ShardSet set;
    private final int[] rows;
    private final Scaler scaler;
    /** Per feature, as float: {@code x' = (x − offset) · factor}, or null when unscaled. */
    private final float[] offsets;
    private final float[] factors;

    private ShardSource(final ShardSet set, final int[] rows, final Scaler scaler)
    {
        this.set = set;
        this.rows = rows;
        this.scaler = scaler;
        if (scaler != null && scaler.kind() != ScalingKind.NONE)
        {
            offsets = toFloats(scaler.offsets());
            factors = toFloats(scaler.factors());
        }
        else
        {
            offsets = null;
            factors = null;
        }
    }

    /**
     * @param set an opened shard set.
     * @return all its rows in stored order, unscaled.
     */
    public static ShardSource of(final ShardSet set)
    {
        return new ShardSource(set, null, null);
    }

    /**
     * @param subsetRows indices into this source, each in {@code 0..size-1} (copied).
     * @return a source of those rows in that order, with this source's scaling.
     */
    public ShardSource subset(final int[] subsetRows)
    {
        final int[] mapped = new int[subsetRows.length];
        for (int i = 0; i < mapped.length; i++)
        {
            final int row = Objects.checkIndex(subsetRows[i], size());
            mapped[i] = rows == null ? row : rows[row];
        }
        return new ShardSource(set, mapped, scaler);
    }

    /**
     * @param newScaler the scaling to apply to features as they are read (replaces any previous one).
     * @return a source of the same rows, scaled.
     */
    public ShardSource scaled(final Scaler newScaler)
    {
        return new ShardSource(set, rows, newScaler);
    }

    /**
     * @return the scaling applied to features as they are read (the identity when none is).
     */
    public Scaler scaler()
    {
        return scaler == null ? Scaler.identity(numFeatures()) : scaler;
    }

    /**
     * @return the underlying shard set.
     */
    public ShardSet set()
    {
        return set;
    }

    @Override
    public int size()
    {
        return rows == null ? set.size() : rows.length;
    }

    @Override
    public int numFeatures()
    {
        return set.manifest().numFeatures();
    }

    @Override
    public int numOutputs()
    {
        return set.manifest().numOutputs();
    }

    @Override
    public Task task()
    {
        return set.manifest().task();
    }

    @Override
    public List<String> classNames()
    {
        return set.manifest().classNames();
    }

    @Override
    public List<String> featureNames()
    {
        return set.manifest().featureNames();
    }

    @Override
    public void fill(
        final int[] order, final int from, final int count, final INDArray features, final INDArray targets)
    {
        BatchBuffers.checkRange(order, from, count);
        final FloatBuffer featureBuffer = BatchBuffers.rows(features, count, numFeatures(), "features");
        final FloatBuffer targetBuffer = BatchBuffers.rows(targets, count, numOutputs(), "targets");
        for (int i = 0; i < count; i++)
        {
            final int rowStart = featureBuffer.position();
            set.copyRow(row(order[from + i]), featureBuffer, targetBuffer);
            if (offsets != null)
            {
                scaleRow(featureBuffer, rowStart);
            }
        }
    }

    /** Scales the row just copied, while it is in cache: the float arithmetic of {@link Scaler#applyToRow}. */
    private void scaleRow(final FloatBuffer buffer, final int rowStart)
    {
        for (int j = 0; j < offsets.length; j++)
        {
            buffer.put(rowStart + j, (buffer.get(rowStart + j) - offsets[j]) * factors[j]);
        }
    }

    @Override
    public void fillLabels(final int[] order, final int from, final int count, final int[] labels)
    {
        if (task() != Task.CLASSIFICATION)
        {
            throw new IllegalArgumentException("shard set " + set.dir() + " has no labels (task " + task() + ")");
        }
        for (int i = 0; i < count; i++)
        {
            labels[i] = set.label(row(order[from + i]));
        }
    }

    /**
     * Copy every row onto the heap, for code that needs an in-memory {@link Dataset}.
     *
     * @return a dataset with this source's rows, scaled as this source scales them.
     * @throws IllegalArgumentException if the rows do not fit in one Java array.
     */
    public Dataset toDataset()
    {
        final int n = size();
        final float[] features = new float[Math.multiplyExact(n, numFeatures())];
        final float[] targets = new float[Math.multiplyExact(n, numOutputs())];
        final FloatBuffer featureBuffer = FloatBuffer.wrap(features);
        final FloatBuffer targetBuffer = FloatBuffer.wrap(targets);
        for (int i = 0; i < n; i++)
        {
            set.copyRow(row(i), featureBuffer, targetBuffer);
        }
        final Dataset raw;
        if (task() == Task.CLASSIFICATION)
        {
            final int[] labels = new int[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = set.label(row(i));
            }
            raw = Dataset.classification(features, numFeatures(), labels, classNames(), featureNames());
        }
        else
        {
            raw = Dataset.regression(features, numFeatures(), targets, numOutputs(), featureNames());
        }
        return scaler == null ? raw : scaler.apply(raw);
    }

    @Override
    public String toString()
    {
        return "ShardSource{" + set.dir() + ", rows=" + size() + ", scaling=" +
            (scaler == null ? ScalingKind.NONE : scaler.kind()) + '}';
    }

    private int row(final int index)
    {
        return rows == null ? index : rows[Objects.checkIndex(index, rows.length)];
    }

    private static float[] toFloats(final double[] values)
    {
        final float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++)
        {
            floats[i] = (float)values[i];
        }
        return floats;
    }
}
