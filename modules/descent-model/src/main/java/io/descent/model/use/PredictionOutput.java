package io.descent.model.use;

import io.descent.data.Task;
import io.descent.model.artifact.ModelArtifact;
import io.descent.report.AtomicFiles;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes predictions as CSV, atomically (a reader, or a failure, never sees half a file): for classification
 * {@code class_index,class_name,p_<class>…} (the largest output, its name, every class's probability); for regression
 * one column per target. Values are printed as Java floats (they read back exactly). Stateless.
 */
public final class PredictionOutput
{
    private PredictionOutput()
    {
    }

    /**
     * @param file        the CSV file to write (its directory must exist).
     * @param artifact    the model.
     * @param outputs     its outputs, row-major {@code [n × outputs]}.
     * @param targetNames names of the regression targets, or empty for {@code y0, y1, …}.
     */
    public static void write(
        final Path file, final ModelArtifact artifact, final float[] outputs, final List<String> targetNames)
    {
        final int width = artifact.outputs();
        final boolean classification = artifact.task() == Task.CLASSIFICATION;
        AtomicFiles.write(file, path ->
        {
            try (BufferedWriter writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8))
            {
                writer.write(String.join(",", header(artifact, targetNames)));
                writer.newLine();
                final StringBuilder line = new StringBuilder();
                for (int from = 0; from < outputs.length; from += width)
                {
                    line.setLength(0);
                    if (classification)
                    {
                        final int index = Predictor.argMax(outputs, from, width);
                        line.append(index).append(',').append(quoted(artifact.classNames().get(index)));
                    }
                    for (int j = 0; j < width; j++)
                    {
                        if (classification || j > 0)
                        {
                            line.append(',');
                        }
                        line.append(outputs[from + j]);
                    }
                    writer.write(line.toString());
                    writer.newLine();
                }
            }
        });
    }

    private static List<String> header(final ModelArtifact artifact, final List<String> targetNames)
    {
        final List<String> header = new ArrayList<>();
        if (artifact.task() == Task.CLASSIFICATION)
        {
            header.add("class_index");
            header.add("class_name");
            artifact.classNames().forEach(name -> header.add(quoted("p_" + name)));
            return header;
        }
        for (int j = 0; j < artifact.outputs(); j++)
        {
            header.add(targetNames.size() == artifact.outputs() ? quoted(targetNames.get(j)) : "y" + j);
        }
        return header;
    }

    private static String quoted(final String text)
    {
        return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
