package io.descent.data.csv;

import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Maps label text to class indices, the same way for every file of a job.
 *
 * <p>If every label is a non-negative integer, the label is the class index and the classes are {@code 0..max}
 * (or {@code 0..numClasses-1} when the model declares its size). Otherwise the distinct labels are sorted
 * (numerically when all are integers, else by text) and numbered in that order. Immutable.
 */
final class LabelMapping
{
    private final Map<String, Integer> indices;
    private final List<String> classNames;

    private LabelMapping(final Map<String, Integer> indices, final List<String> classNames)
    {
        this.indices = indices;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * @param tables     the parsed files whose labels the mapping must cover.
     * @param numClasses the model's number of classes, or 0 to infer it.
     * @return the mapping.
     * @throws BadInputException naming file and line of the first label that does not fit {@code numClasses}.
     */
    static LabelMapping of(final List<CsvTable> tables, final int numClasses)
    {
        final boolean allIntegers = tables.stream().allMatch(LabelMapping::allIntegers);
        final TreeSet<String> distinct = new TreeSet<>(allIntegers ?
            LabelMapping::compareAsIntegers : String::compareTo);
        tables.forEach((table) -> distinct.addAll(List.of(table.labels())));

        final Map<String, Integer> indices = new HashMap<>();
        final List<String> names = new ArrayList<>();
        if (allIntegers && Integer.parseInt(distinct.first()) >= 0)
        {
            distinct.forEach((label) -> indices.put(label, Integer.parseInt(label)));
            final int count = numClasses > 0 ? numClasses : Integer.parseInt(distinct.last()) + 1;
            for (int i = 0; i < count; i++)
            {
                names.add(Integer.toString(i));
            }
        }
        else
        {
            distinct.forEach((label) -> indices.put(label, indices.size()));
            names.addAll(distinct);
            for (int i = names.size(); i < numClasses; i++)
            {
                names.add("#" + i);
            }
        }
        final LabelMapping mapping = new LabelMapping(indices, names);
        tables.forEach((table) -> mapping.checkFits(table, numClasses));
        return mapping;
    }

    List<String> classNames()
    {
        return classNames;
    }

    int[] indicesOf(final CsvTable table)
    {
        final int[] labels = new int[table.rows()];
        for (int row = 0; row < labels.length; row++)
        {
            labels[row] = indices.get(table.labels()[row]);
        }
        return labels;
    }

    private void checkFits(final CsvTable table, final int numClasses)
    {
        if (numClasses <= 0)
        {
            return;
        }
        for (int row = 0; row < table.rows(); row++)
        {
            final String label = table.labels()[row];
            final int index = indices.get(label);
            if (index >= numClasses)
            {
                throw new BadInputException(
                    "label '" + label + "' at line " + table.lines()[row] + ", column " + table.labelColumn() +
                    " of " + table.file() + " is class index " + index + ", which does not fit the model's " +
                    numClasses + " output classes; widen the output layer or fix the label");
            }
        }
    }

    private static int compareAsIntegers(final String a, final String b)
    {
        final int byValue = Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        return byValue != 0 ? byValue : a.compareTo(b);
    }

    private static boolean allIntegers(final CsvTable table)
    {
        for (final String label : table.labels())
        {
            if (!isInteger(label))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isInteger(final String text)
    {
        final int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start || text.length() - start > 9)
        {
            return false;
        }
        for (int i = start; i < text.length(); i++)
        {
            if (!Character.isDigit(text.charAt(i)) || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }
}
