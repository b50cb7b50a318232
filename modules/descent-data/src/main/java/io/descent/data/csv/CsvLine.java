package io.descent.data.csv;

import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV record into its cells as RFC 4180 has it: a cell may be quoted with double quotes, and a quoted cell
 * may hold the delimiter and doubled quotes ({@code ""} for {@code "}); spaces around a quoted cell are ignored. A
 * record is one line: a line break inside quotes is not supported. Every malformed cell is bad input naming the
 * source, line and column. Stateless and thread-safe.
 */
public final class CsvLine
{
    private static final char QUOTE = '"';

    private CsvLine()
    {
    }

    /**
     * @param line       the record, without its line break.
     * @param delimiter  the cell separator, usually {@code ','}.
     * @param source     names the file for messages, e.g. {@code "CSV file data.csv"} or {@code "--input new.csv"}.
     * @param lineNumber the record's line number (1-based), for messages.
     * @return the cells, unquoted; unquoted cells as they are (not trimmed).
     * @throws BadInputException for an unterminated quoted cell, text after a closing quote, or a quote inside an
     *                           unquoted cell.
     */
    public static String[] split(final String line, final char delimiter, final String source, final int lineNumber)
    {
        final List<String> cells = new ArrayList<>();
        final StringBuilder cell = new StringBuilder();
        int i = 0;
        final int n = line.length();
        while (true)
        {
            final int column = cells.size() + 1;
            int start = i;
            while (start < n && line.charAt(start) == ' ')
            {
                start++;
            }
            if (start < n && line.charAt(start) == QUOTE)
            {
                i = quoted(line, start + 1, cell, source, lineNumber, column);
                while (i < n && line.charAt(i) == ' ')
                {
                    i++;
                }
                if (i < n && line.charAt(i) != delimiter)
                {
                    throw bad(source, lineNumber, column, "text after the closing quote of a quoted cell",
                        "end the cell there, or double a quote inside it (\"\")");
                }
            }
            else
            {
                while (i < n && line.charAt(i) != delimiter)
                {
                    if (line.charAt(i) == QUOTE)
                    {
                        throw bad(source, lineNumber, column, "a quote inside an unquoted cell",
                            "quote the whole cell and double the quote inside it (\"\")");
                    }
                    cell.append(line.charAt(i++));
                }
            }
            cells.add(cell.toString());
            cell.setLength(0);
            if (i >= n)
            {
                return cells.toArray(new String[0]);
            }
            i++; // the delimiter
        }
    }

    /** Reads a quoted cell's content from {@code from} (after its opening quote); @return the index after its end. */
    private static int quoted(
        final String line, final int from, final StringBuilder cell, final String source, final int lineNumber,
        final int column)
    {
        int i = from;
        while (i < line.length())
        {
            final char c = line.charAt(i);
            if (c != QUOTE)
            {
                cell.append(c);
                i++;
            }
            else if (i + 1 < line.length() && line.charAt(i + 1) == QUOTE)
            {
                cell.append(QUOTE);
                i += 2;
            }
            else
            {
                return i + 1;
            }
        }
        throw bad(source, lineNumber, column, "a quoted cell has no closing quote",
            "close it (a line break inside quotes is not supported)");
    }

    private static BadInputException bad(
        final String source, final int lineNumber, final int column, final String problem, final String fix)
    {
        return new BadInputException(source + ", line " + lineNumber + ", column " + column + ": " + problem + "; " +
            fix);
    }
}
