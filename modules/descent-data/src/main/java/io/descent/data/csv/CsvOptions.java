package io.descent.data.csv;

import io.descent.data.Task;

import java.util.List;
import java.util.Objects;

/**
 * How to read a CSV file into a dataset: which columns are targets, what the task is, and optionally how many
 * classes the model has. Immutable.
 *
 * @param targets    names of the target column(s) in the header; exactly one for classification, one or more for
 *                   regression. Every other column is a feature.
 * @param task       classification or regression.
 * @param numClasses the model's number of classes for classification, or 0 to infer it from the labels.
 * @param delimiter  the cell separator, usually {@code ','}.
 */
public record CsvOptions(List<String> targets, Task task, int numClasses, char delimiter)
{
    /**
     * @param targets    names of the target column(s).
     * @param task       classification or regression.
     * @param numClasses the model's number of classes, or 0 to infer it.
     * @param delimiter  the cell separator.
     */
    public CsvOptions
    {
        targets = List.copyOf(targets);
        Objects.requireNonNull(task, "task");
        if (targets.isEmpty())
        {
            throw new IllegalArgumentException("at least one target column is needed");
        }
        if (numClasses < 0)
        {
            throw new IllegalArgumentException("numClasses must be >= 0: " + numClasses);
        }
    }

    /**
     * @param target the label column.
     * @return options for a comma-separated classification file with the number of classes inferred.
     */
    public static CsvOptions classification(final String target)
    {
        return new CsvOptions(List.of(target), Task.CLASSIFICATION, 0, ',');
    }

    /**
     * @param targets the target columns.
     * @return options for a comma-separated regression file.
     */
    public static CsvOptions regression(final String... targets)
    {
        return new CsvOptions(List.of(targets), Task.REGRESSION, 0, ',');
    }

    /**
     * @param classes the model's number of classes, or 0 to infer it.
     * @return a copy with the number of classes declared.
     */
    public CsvOptions withNumClasses(final int classes)
    {
        return new CsvOptions(targets, task, classes, delimiter);
    }

    /**
     * @param separator the cell separator.
     * @return a copy with another delimiter.
     */
    public CsvOptions withDelimiter(final char separator)
    {
        return new CsvOptions(targets, task, numClasses, separator);
    }
}
