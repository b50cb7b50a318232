package io.descent.data.settings;

import io.descent.data.Task;
import io.descent.data.csv.CsvOptions;
import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Validated {@code data.csv} settings. Immutable.
 *
 * @param path         the CSV file, empty when not configured.
 * @param testPath     the separate test file, if any.
 * @param targets      target column names (one for classification).
 * @param task         classification or regression.
 * @param testFraction share of {@code path} held out as test when there is no test file, in (0, 1).
 * @param numClasses   declared number of classes, 0 to infer.
 * @param delimiter    the cell separator.
 */
public record CsvSettings(
    Optional<Path> path,
    Optional<Path> testPath,
    List<String> targets,
    Task task,
    double testFraction,
    int numClasses,
    char delimiter)
{
    /**
     * @param path         the CSV file, empty when not configured.
     * @param testPath     the separate test file, if any.
     * @param targets      target column names.
     * @param task         classification or regression.
     * @param testFraction held-out share in (0, 1).
     * @param numClasses   declared number of classes, 0 to infer.
     * @param delimiter    the cell separator.
     */
    public CsvSettings
    {
        targets = List.copyOf(targets);
    }

    /**
     * Read and validate the section; whether {@code path} and {@code target} are required is checked by
     * {@link #requireUsable(SettingsReader)} once the source is known.
     *
     * @param reader the {@code data.csv} section.
     * @return the settings.
     */
    public static CsvSettings from(final SettingsReader reader)
    {
        final String delimiter = reader.string("delimiter");
        if (delimiter.length() != 1)
        {
            throw new BadInputException(
                reader.full("delimiter") + " = '" + delimiter + "' must be exactly one character, e.g. \",\"");
        }
        final Task task = reader.enumValue("task", Task.class);
        final List<String> targets = reader.stringOrList("target");
        if (task == Task.CLASSIFICATION && targets.size() > 1)
        {
            throw new BadInputException(
                reader.full("target") + " = " + targets + ": classification takes exactly one target column");
        }
        return new CsvSettings(
            optionalPath(reader.string("path")),
            optionalPath(reader.string("test-path")),
            targets,
            task,
            reader.fraction("test-fraction"),
            reader.intAtLeast("num-classes", 0),
            delimiter.charAt(0));
    }

    /**
     * @param reader the {@code data.csv} section, for key names.
     * @throws BadInputException if the file or the target column is not set.
     */
    void requireUsable(final SettingsReader reader)
    {
        if (path.isEmpty())
        {
            throw new BadInputException(
                "data.source = csv needs a file: set " + reader.full("path") + " to a CSV file with a header row");
        }
        if (targets.isEmpty())
        {
            throw new BadInputException(
                "data.source = csv needs a target column: set " + reader.full("target") + " to a header name");
        }
    }

    /**
     * @param declaredClasses the model's number of classes, or 0 to use {@link #numClasses()}.
     * @return the options for {@link io.descent.data.csv.CsvDataset}.
     */
    public CsvOptions options(final int declaredClasses)
    {
        return new CsvOptions(targets, task, declaredClasses > 0 ? declaredClasses : numClasses, delimiter);
    }

    private static Optional<Path> optionalPath(final String text)
    {
        return text.isBlank() ? Optional.empty() : Optional.of(Path.of(text.trim()));
    }
}
