package io.descent.data.csv;

import io.descent.data.Task;
import io.descent.nn.error.BadInputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses one CSV file (header row, then one example per line; cells quoted as RFC 4180 allows, {@link CsvLine}) into a
 * {@link CsvTable}, reporting every problem with file, line and column. Blank lines are skipped. One instance per file; not thread-safe.
 */
final class CsvParser
{
    private final Path file;
    private final CsvOptions options;
    private final CsvColumns columns;
    private final GrowableFloats features = new GrowableFloats();
    private final GrowableFloats targets = new GrowableFloats();
    private final List<String> labels = new ArrayList<>();
    private int[] lines = new int[1024];
    private int rows;

    private CsvParser(final Path file, final CsvOptions options, final CsvColumns columns)
    {
        this.file = file;
        this.options = options;
        this.columns = columns;
    }

    /**
     * @param file    the CSV file.
     * @param options target columns, task and delimiter.
     * @return the parsed table.
     * @throws BadInputException for a missing, empty or malformed file.
     */
    static CsvTable parse(final Path file, final CsvOptions options)
    {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            int lineNumber = 0;
            String line;
            do
            {
                line = reader.readLine();
                lineNumber++;
            }
            while (line != null && line.isBlank());
            if (line == null)
            {
                throw new BadInputException("CSV file " + file + " is empty; it needs a header row and data rows");
            }
            final List<String> header = Arrays.asList(split(line, options.delimiter(), file, lineNumber));
            final CsvParser parser = new CsvParser(file, options, CsvColumns.of(file, header, options));
            return parser.parseRows(reader, lineNumber);
        }
        catch (final NoSuchFileException ex)
        {
            throw new BadInputException("CSV file " + file + " does not exist; check data.csv.path", ex);
        }
        catch (final IOException ex)
        {
            throw new BadInputException("cannot read CSV file " + file + ": " + ex, ex);
        }
    }

    private CsvTable parseRows(final BufferedReader reader, final int headerLine) throws IOException
    {
        int lineNumber = headerLine;
        String line;
        while ((line = reader.readLine()) != null)
        {
            lineNumber++;
            if (!line.isBlank())
            {
                parseRow(split(line, options.delimiter(), file, lineNumber), lineNumber);
            }
        }
        if (rows == 0)
        {
            throw new BadInputException("CSV file " + file + " has a header but no data rows; add examples");
        }
        return new CsvTable(
            file,
            columns.featureNames(),
            features.toArray(),
            options.task() == Task.CLASSIFICATION ? labels.toArray(new String[0]) : null,
            options.task() == Task.REGRESSION ? targets.toArray() : null,
            Arrays.copyOf(lines, rows),
            columns.targetIndex(0) + 1);
    }

    private void parseRow(final String[] cells, final int lineNumber)
    {
        if (cells.length != columns.count())
        {
            throw new BadInputException(
                "ragged row: line " + lineNumber + " of " + file + " has " + cells.length + " cells, the header has " +
                columns.count() + "; fix that line");
        }
        for (int column = 0; column < cells.length; column++)
        {
            if (!columns.isTarget(column))
            {
                features.add(number(cells[column], lineNumber, column, "features"));
            }
        }
        for (int t = 0; t < options.targets().size(); t++)
        {
            final int column = columns.targetIndex(t);
            if (options.task() == Task.REGRESSION)
            {
                targets.add(number(cells[column], lineNumber, column, "regression targets"));
            }
            else if (cells[column].isBlank())
            {
                throw new BadInputException(
                    "empty label at line " + lineNumber + ", column " + (column + 1) + " ('" + columns.name(column) +
                    "') of " + file + "; every row needs a label");
            }
            else
            {
                labels.add(cells[column].trim());
            }
        }
        if (rows == lines.length)
        {
            lines = Arrays.copyOf(lines, rows * 2);
        }
        lines[rows++] = lineNumber;
    }

    private float number(final String cell, final int lineNumber, final int column, final String what)
    {
        final float value;
        try
        {
            value = Float.parseFloat(cell);
        }
        catch (final NumberFormatException ex)
        {
            throw new BadInputException(
                "non-numeric value '" + cell + "' at line " + lineNumber + ", column " + (column + 1) + " ('" +
                columns.name(column) + "') of " + file + "; " + what + " must be numbers", ex);
        }
        if (!Float.isFinite(value))
        {
            throw new BadInputException(
                "value '" + cell.trim() + "' at line " + lineNumber + ", column " + (column + 1) + " ('" +
                columns.name(column) + "') of " + file + " is not finite; " + what +
                " must be finite numbers: remove or impute that row");
        }
        return value;
    }

    private static String[] split(final String line, final char delimiter, final Path file, final int lineNumber)
    {
        return CsvLine.split(line, delimiter, "CSV file " + file, lineNumber);
    }
}
