package io.descent.cli.bench.scale;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.cluster.LocalCluster;

import java.nio.file.Path;
import java.util.List;

/** Each run as separate processes on this machine ({@link LocalCluster}: loopback Akka, Aeron IPC). */
final class LocalRunner implements ScaleRunner
{
    private final int threads;
    private final Path work;

    /**
     * @param threads BLAS threads per process.
     * @param work    directory for the runs' reports.
     */
    LocalRunner(final int threads, final Path work)
    {
        this.threads = threads;
        this.work = work;
    }

    @Override
    public String mode()
    {
        return "local";
    }

    @Override
    public JsonNode run(final int workers, final Path jobFile) throws InterruptedException
    {
        final Path reportFile = work.resolve("run-" + workers + ".json");
        final int code = new LocalCluster(List.of("--config", jobFile.toString()), workers, threads, reportFile).run();
        if (code != 0)
        {
            throw new IllegalStateException("the " + workers + "-worker run exited with " + code +
                "; its logs are in " + System.getProperty("java.io.tmpdir"));
        }
        return ScaleRunner.readReport(reportFile);
    }
}
