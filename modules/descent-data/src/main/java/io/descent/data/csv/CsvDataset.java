package io.descent.data.csv;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.Task;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.List;

/**
 * Loads datasets from CSV files: a header row naming the columns, then one example per line; the target column(s)
 * named in {@link CsvOptions}, every other column a numeric feature.
 *
 * <p>Classification labels may be integers (used as class indices) or text (sorted, then numbered); see
 * {@link LabelMapping}. Every problem is a {@link BadInputException} naming the file, line and column. Stateless and
 * thread-safe.
 */
public final class CsvDataset
{
    private CsvDataset()
    {
    }

    /**
     * Load one file.
     *
     * @param file    the CSV file.
     * @param options target column(s), task, declared number of classes, delimiter.
     * @return the dataset, with feature names from the header.
     * @throws BadInputException for a missing, empty or malformed file, an unknown target column, non-finite
     *                           features, or a label that does not fit the declared number of classes.
     */
    public static Dataset load(final Path file, final CsvOptions options)
    {
        checkOptions(options);
        final CsvTable table = CsvParser.parse(file, options);
        if (options.task() == Task.REGRESSION)
        {
            return regression(table, options);
        }
        return classification(table, LabelMapping.of(List.of(table), options.numClasses()));
    }

    /**
     * Load a train file and a test file with one class mapping covering both (so class indices agree).
     *
     * @param trainFile the training CSV file.
     * @param testFile  the test CSV file; it must have the same columns.
     * @param options   target column(s), task, declared number of classes, delimiter.
     * @return train and test datasets.
     * @throws BadInputException as for {@link #load(Path, CsvOptions)}, or if the files' feature columns differ.
     */
    public static DatasetPair loadPair(final Path trainFile, final Path testFile, final CsvOptions options)
    {
        checkOptions(options);
        final CsvTable train = CsvParser.parse(trainFile, options);
        final CsvTable test = CsvParser.parse(testFile, options);
        if (!train.featureNames().equals(test.featureNames()))
        {
            throw new BadInputException(
                "test file " + testFile + " has feature columns " + test.featureNames() + " but train file " +
                trainFile + " has " + train.featureNames() + "; give both files the same columns");
        }
        if (options.task() == Task.REGRESSION)
        {
            return new DatasetPair(regression(train, options), regression(test, options));
        }
        final LabelMapping mapping = LabelMapping.of(List.of(train, test), options.numClasses());
        return new DatasetPair(classification(train, mapping), classification(test, mapping));
    }

    private static void checkOptions(final CsvOptions options)
    {
        if (options.task() == Task.CLASSIFICATION && options.targets().size() != 1)
        {
            throw new BadInputException(
                "classification takes exactly one target column, got " + options.targets() +
                "; set data.csv.target to the label column");
        }
    }

    private static Dataset regression(final CsvTable table, final CsvOptions options)
    {
        return Dataset.regression(
            table.features(), table.featureNames().size(), table.targets(), options.targets().size(),
            table.featureNames());
    }

    private static Dataset classification(final CsvTable table, final LabelMapping mapping)
    {
        return Dataset.classification(
            table.features(), table.featureNames().size(), mapping.indicesOf(table), mapping.classNames(),
            table.featureNames());
    }
}
