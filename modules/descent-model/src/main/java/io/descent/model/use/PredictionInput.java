package io.descent.model.use;

import io.descent.data.csv.CsvLine;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.error.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the raw rows to predict from a CSV file with a header row. When the model knows its feature names (it was
 * trained on a CSV), the header must name every one of them, in any order, and may add only the training target
 * columns (ignored); otherwise it must have exactly as many columns as the model has inputs. Every feature cell must
 * be a finite number. Cells may be quoted as RFC 4180 allows ({@link CsvLine}, the reader of training CSVs). The
 * whole file is checked before anything is predicted; the first problem is bad input naming the file, line and
 * column. Stateless.
 */
public final class PredictionInput
{
    private PredictionInput()
    {
    }

    /**
     * @param file     the CSV file.
     * @param artifact the model the rows are for.
     * @param targets  the training target column names (allowed and ignored), possibly empty.
     * @return raw feature rows, row-major {@code [n × inputs]}, in the model's feature order.
     * @throws BadInputException for a missing file, a header that does not fit, a short or long row, or a cell that
     *                           is not a number.
     */
    public static float[] read(final Path file, final ModelArtifact artifact, final List<String> targets)
    {
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            throw new BadInputException("--input " + file + " does not exist or is not readable; give a CSV file " +
                "with a header row");
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            final String header = reader.readLine();
            if (null == header || header.isBlank())
            {
                throw new BadInputException("--input " + file + " is empty; give a header row, then one row per " +
                    "example");
            }
            final String[] names = cells(header, file, 1);
            for (int c = 0; c < names.length; c++)
            {
                names[c] = names[c].trim();
            }
            final int[] columnOf = columns(names, artifact, targets, file);
            final int width = names.length;
            final int inputs = artifact.inputs();
            final GrowingFloats rows = new GrowingFloats();
            String line;
            int lineNumber = 1;
            while (null != (line = reader.readLine()))
            {
                lineNumber++;
                if (line.isBlank())
                {
                    continue;
                }
                final String[] cells = cells(line, file, lineNumber);
                if (cells.length != width)
                {
                    throw new BadInputException("--input " + file + ", line " + lineNumber + ": " + cells.length +
                        " cells, the header has " + width + "; give every row as many cells as the header");
                }
                for (int j = 0; j < inputs; j++)
                {
                    rows.add(number(cells[columnOf[j]], file, lineNumber, columnOf[j] + 1));
                }
            }
            if (rows.size() == 0)
            {
                throw new BadInputException("--input " + file + " has a header but no rows to predict");
            }
            return rows.toArray();
        }
        catch (final IOException ex)
        {
            throw new BadInputException("--input " + file + " cannot be read: " + ex, ex);
        }
    }

    /** @return for each model input, the column holding it. */
    private static int[] columns(
        final String[] header, final ModelArtifact artifact, final List<String> targets, final Path file)
    {
        final int inputs = artifact.inputs();
        final int[] columnOf = new int[inputs];
        if (artifact.featureNames().isEmpty())
        {
            if (header.length != inputs)
            {
                throw new BadInputException("--input " + file + " has " + header.length + " columns, the model " +
                    "takes " + inputs + " features; give a header row and " + inputs + " numbers per row");
            }
            for (int j = 0; j < inputs; j++)
            {
                columnOf[j] = j;
            }
            return columnOf;
        }
        final Map<String, Integer> byName = new HashMap<>();
        final Set<String> ignored = Set.copyOf(targets);
        for (int c = 0; c < header.length; c++)
        {
            final String name = header[c];
            if (!artifact.featureNames().contains(name) && !ignored.contains(name))
            {
                throw new BadInputException("--input " + file + ": column '" + name + "' (column " + (c + 1) +
                    ") is not a feature of the model; its features are " + artifact.featureNames());
            }
            if (null != byName.put(name, c))
            {
                throw new BadInputException("--input " + file + ": column '" + name + "' appears twice in the header");
            }
        }
        for (int j = 0; j < inputs; j++)
        {
            final Integer column = byName.get(artifact.featureNames().get(j));
            if (null == column)
            {
                throw new BadInputException("--input " + file + " has no column '" +
                    artifact.featureNames().get(j) + "'; the model's features are " + artifact.featureNames());
            }
            columnOf[j] = column;
        }
        return columnOf;
    }

    private static float number(final String cell, final Path file, final int line, final int column)
    {
        try
        {
            final float value = Float.parseFloat(cell);
            if (Float.isFinite(value))
            {
                return value;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new BadInputException("--input " + file + ", line " + line + ", column " + column + ": '" + cell +
            "' is not a finite number; features must be numeric");
    }

    /** Splits a record on commas, cells quoted as RFC 4180 allows (as the training CSV reader does). */
    private static String[] cells(final String line, final Path file, final int lineNumber)
    {
        return CsvLine.split(line, ',', "--input " + file, lineNumber);
    }

    /** A float list without boxing. */
    private static final class GrowingFloats
    {
        private float[] values = new float[1024];
        private int size;

        void add(final float value)
        {
            if (size == values.length)
            {
                values = java.util.Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        int size()
        {
            return size;
        }

        float[] toArray()
        {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
