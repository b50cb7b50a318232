package io.descent.data;

import io.descent.data.BatchBuffers;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * An immutable in-memory table of examples: row-major float32 features and targets on the Java heap.
 *
 * <p>Shapes: {@link #features()} is {@code [size × numFeatures]}, {@link #targets()} is {@code [size × numOutputs]}
 * (one-hot rows for {@link Task#CLASSIFICATION}, values for {@link Task#REGRESSION}). The arrays are shared, not
 * copied, for speed (Fashion-MNIST's train split is 188 MB): callers must treat them as read-only. Once built, a
 * dataset is safe to read from any number of threads.
 */
public final class Dataset implements ExampleSource
{
    private final Task task;
    private final int size;
    private final int numFeatures;
    private final int numOutputs;
    private final float[] features;
    private final float[] targets;
    private final int[] labels;
    private final List<String> classNames;
    private final List<String> featureNames;

    private Dataset(
        final Task task,
        final int numFeatures,
        final int numOutputs,
        final float[] features,
        final float[] targets,
        final int[] labels,
        final List<String> classNames,
        final List<String> featureNames)
    {
        if (numFeatures <= 0 || numOutputs <= 0)
        {
            throw new IllegalArgumentException(
                "numFeatures and numOutputs must be > 0: " + numFeatures + ", " + numOutputs);
        }
        if (features.length % numFeatures != 0)
        {
            throw new IllegalArgumentException(
                "features length " + features.length + " is not a multiple of numFeatures " + numFeatures);
        }
        this.size = features.length / numFeatures;
        if (targets.length != (long)size * numOutputs)
        {
            throw new IllegalArgumentException(
                "targets length " + targets.length + " != size " + size + " × numOutputs " + numOutputs);
        }
        if (!featureNames.isEmpty() && featureNames.size() != numFeatures)
        {
            throw new IllegalArgumentException(
                "featureNames has " + featureNames.size() + " names for " + numFeatures + " features");
        }
        this.task = task;
        this.numFeatures = numFeatures;
        this.numOutputs = numOutputs;
        this.features = features;
        this.targets = targets;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
        this.featureNames = List.copyOf(featureNames);
    }

    /**
     * A classification dataset; targets are built as one-hot rows from {@code labels}.
     *
     * @param features     row-major {@code [labels.length × numFeatures]}, taken over (not copied).
     * @param numFeatures  features per row, > 0.
     * @param labels       class index per row in {@code 0..classNames.size()-1}, taken over (not copied).
     * @param classNames   one name per class; its size is {@link #numOutputs()}.
     * @param featureNames one name per feature, or empty when the source has none.
     * @return the dataset.
     * @throws IllegalArgumentException if shapes disagree or a label is out of range.
     */
    public static Dataset classification(
        final float[] features,
        final int numFeatures,
        final int[] labels,
        final List<String> classNames,
        final List<String> featureNames)
    {
        final int numClasses = classNames.size();
        final float[] oneHot = new float[Math.multiplyExact(labels.length, Math.max(numClasses, 1))];
        for (int row = 0; row < labels.length; row++)
        {
            final int label = labels[row];
            if (label < 0 || label >= numClasses)
            {
                throw new IllegalArgumentException("label " + label + " of row " + row + " not in 0.." + (numClasses - 1));
            }
            oneHot[row * numClasses + label] = 1.0f;
        }
        if (features.length != (long)labels.length * numFeatures)
        {
            throw new IllegalArgumentException(
                "features length " + features.length + " != " + labels.length + " labels × " + numFeatures);
        }
        return new Dataset(
            Task.CLASSIFICATION, numFeatures, numClasses, features, oneHot, labels, classNames, featureNames);
    }

    /**
     * A regression dataset.
     *
     * @param features     row-major {@code [size × numFeatures]}, taken over (not copied).
     * @param numFeatures  features per row, > 0.
     * @param targets      row-major {@code [size × numOutputs]}, taken over (not copied).
     * @param numOutputs   targets per row, > 0.
     * @param featureNames one name per feature, or empty when the source has none.
     * @return the dataset.
     * @throws IllegalArgumentException if shapes disagree.
     */
    public static Dataset regression(
        final float[] features,
        final int numFeatures,
        final float[] targets,
        final int numOutputs,
        final List<String> featureNames)
    {
        return new Dataset(Task.REGRESSION, numFeatures, numOutputs, features, targets, null, List.of(), featureNames);
    }

    /**
     * @return number of rows.
     */
    @Override
    public int size()
    {
        return size;
    }

    /**
     * @return number of features per row.
     */
    @Override
    public int numFeatures()
    {
        return numFeatures;
    }

    /**
     * @return number of classes (classification) or of targets per row (regression).
     */
    @Override
    public int numOutputs()
    {
        return numOutputs;
    }

    /**
     * @return what the targets mean.
     */
    @Override
    public Task task()
    {
        return task;
    }

    /**
     * @return row-major features {@code [size × numFeatures]}; shared, read-only by contract.
     */
    public float[] features()
    {
        return features;
    }

    /**
     * @return row-major targets {@code [size × numOutputs]}; one-hot for classification; shared, read-only.
     */
    public float[] targets()
    {
        return targets;
    }

    /**
     * @return class index per row for classification, {@code null} for regression; shared, read-only.
     */
    public int[] labels()
    {
        return labels;
    }

    /**
     * @return one name per class for classification, empty for regression.
     */
    @Override
    public List<String> classNames()
    {
        return classNames;
    }

    /**
     * @return one name per feature, or empty when the source has none.
     */
    @Override
    public List<String> featureNames()
    {
        return featureNames;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void fill(
        final int[] order, final int from, final int count, final INDArray features, final INDArray targets)
    {
        BatchBuffers.checkRange(order, from, count);
        copyRows(this.features, numFeatures, order, from, count,
            BatchBuffers.rows(features, count, numFeatures, "features"));
        copyRows(this.targets, numOutputs, order, from, count,
            BatchBuffers.rows(targets, count, numOutputs, "targets"));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void fillLabels(final int[] order, final int from, final int count, final int[] labels)
    {
        if (this.labels == null)
        {
            throw new IllegalArgumentException("dataset has no labels (task " + task + ")");
        }
        for (int i = 0; i < count; i++)
        {
            labels[i] = this.labels[order[from + i]];
        }
    }

    /**
     * A new dataset holding copies of the given rows, in the given order (repeats allowed).
     *
     * @param rows row indices into this dataset, each in {@code 0..size-1}.
     * @return the subset; its arrays are new.
     */
    public Dataset subset(final int[] rows)
    {
        final float[] subFeatures = new float[Math.multiplyExact(rows.length, numFeatures)];
        final float[] subTargets = new float[Math.multiplyExact(rows.length, numOutputs)];
        final int[] subLabels = labels == null ? null : new int[rows.length];
        for (int i = 0; i < rows.length; i++)
        {
            final int row = Objects.checkIndex(rows[i], size);
            System.arraycopy(features, row * numFeatures, subFeatures, i * numFeatures, numFeatures);
            System.arraycopy(targets, row * numOutputs, subTargets, i * numOutputs, numOutputs);
            if (subLabels != null)
            {
                subLabels[i] = labels[row];
            }
        }
        return new Dataset(
            task, numFeatures, numOutputs, subFeatures, subTargets, subLabels, classNames, featureNames);
    }

    /**
     * The same rows and targets with new feature values of the same shape (used by scaling).
     *
     * @param newFeatures row-major {@code [size × numFeatures]}, taken over (not copied).
     * @return the new dataset, sharing targets and labels with this one.
     */
    public Dataset withFeatures(final float[] newFeatures)
    {
        if (newFeatures.length != features.length)
        {
            throw new IllegalArgumentException(
                "new features length " + newFeatures.length + " != " + features.length);
        }
        return new Dataset(task, numFeatures, numOutputs, newFeatures, targets, labels, classNames, featureNames);
    }

    private static void copyRows(
        final float[] source, final int width, final int[] order, final int from, final int count,
        final FloatBuffer destination)
    {
        for (int i = 0; i < count; i++)
        {
            destination.put(source, order[from + i] * width, width);
        }
    }

    @Override
    public String toString()
    {
        return "Dataset{task=" + task + ", size=" + size + ", numFeatures=" + numFeatures +
            ", numOutputs=" + numOutputs + '}';
    }
}
