package io.descent.data.csv;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed CSV file before labels become classes: numeric features, and targets as text (classification) or
 * numbers (regression), with the source line of every row for error messages.
 *
 * @param file         the source file.
 * @param featureNames feature column names, in file order.
 * @param features     row-major {@code [rows × featureNames.size()]}.
 * @param labels       the label cell of each row (classification), or {@code null}.
 * @param targets      row-major {@code [rows × targets]} values (regression), or {@code null}.
 * @param lines        the 1-based line number of each row.
 * @param labelColumn  the 1-based column of the label (classification), for error messages.
 */
record CsvTable(
    Path file,
    List<String> featureNames,
    float[] features,
    String[] labels,
    float[] targets,
    int[] lines,
    int labelColumn)
{
    int rows()
    {
        return lines.length;
    }
}
