package io.descent.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.report.JsonReports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Runs one worker count of a scaling experiment somewhere (local processes, namespaces, Kubernetes). */
interface ScaleRunner
{
    /** @return where the runs go, as the reports name it: {@code local}, {@code netns} or {@code k8s}. */
    String mode();

    /**
     * Runs the job to the end with {@code workers} workers.
     *
     * @param workers  worker count, ≥ 1.
     * @param settings the cluster settings every node of the run gets.
     * @param jobFile  the job's HOCON file ({@link ScaleJob#write}).
     * @return the parameter server's report (with {@code epochs}, {@code worker_stats}, {@code server_stats}).
     * @throws IllegalStateException when the run fails, naming where its logs are.
     */
    JsonNode run(int workers, ScaleSettings settings, Path jobFile) throws InterruptedException;

    /** @return the JSON report in {@code file}. */
    static JsonNode readReport(final Path file)
    {
        try
        {
            return JsonReports.mapper().readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("reading the run report " + file, ex);
        }
    }
}
