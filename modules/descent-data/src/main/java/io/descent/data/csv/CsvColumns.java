package io.descent.data.csv;

import io.descent.nn.error.BadInputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The header of a CSV file resolved against the options: which columns are targets and which are features.
 * Immutable.
 */
final class CsvColumns
{
    private final List<String> names;
    private final int[] targetIndices;
    private final boolean[] isTarget;

    private CsvColumns(final List<String> names, final int[] targetIndices)
    {
        this.names = names;
        this.targetIndices = targetIndices;
        this.isTarget = new boolean[names.size()];
        for (final int index : targetIndices)
        {
            isTarget[index] = true;
        }
    }

    /**
     * @param file    the file, for messages.
     * @param header  the header cells.
     * @param options the target columns.
     * @return the resolved columns.
     * @throws BadInputException for duplicate or unknown column names, or when no feature column is left.
     */
    static CsvColumns of(final Path file, final List<String> header, final CsvOptions options)
    {
        final List<String> names = new ArrayList<>(header.size());
        final Set<String> seen = new HashSet<>();
        for (final String cell : header)
        {
            final String name = cell.trim();
            if (!seen.add(name))
            {
                throw new BadInputException(
                    "duplicate column name '" + name + "' in the header of " + file + "; rename one of them");
            }
            names.add(name);
        }
        final int[] targetIndices = new int[options.targets().size()];
        for (int t = 0; t < targetIndices.length; t++)
        {
            final String target = options.targets().get(t).trim();
            targetIndices[t] = names.indexOf(target);
            if (targetIndices[t] < 0)
            {
                throw new BadInputException(
                    "unknown target column '" + target + "' in " + file + "; the columns are: " +
                    String.join(", ", names) + " (set data.csv.target to one of them)");
            }
        }
        if (names.size() - targetIndices.length < 1)
        {
            throw new BadInputException(
                "CSV file " + file + " has no feature columns besides the target(s) " + options.targets() +
                "; add feature columns");
        }
        return new CsvColumns(List.copyOf(names), targetIndices);
    }

    int count()
    {
        return names.size();
    }

    String name(final int column)
    {
        return names.get(column);
    }

    boolean isTarget(final int column)
    {
        return isTarget[column];
    }

    int targetIndex(final int target)
    {
        return targetIndices[target];
    }

    List<String> featureNames()
    {
        final List<String> features = new ArrayList<>();
        for (int column = 0; column < names.size(); column++)
        {
            if (!isTarget[column])
            {
                features.add(names.get(column));
            }
        }
        return List.copyOf(features);
    }
}
