package io.descent.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures {@link SharedCompute} for {@code bench model --validate}: P compute-only processes of {@code bench scale
 * --ceiling} ({@link ComputeCeiling#shared}: the workers' step arithmetic on their own shards of the synthetic job, one
 * BLAS thread each, as the validated runs' workers) start together, warm up, then run one window of steps side by
 * side, the first N in lockstep. Used by one thread.
 */
public final class SharedComputeProbe
{
    /** Steps each process runs before the window (JIT, first-touch of its buffers). */
    private static final int WARMUP_STEPS = 5;
    /** Steps of the window: E[max] over this many lockstep steps. */
    private static final int WINDOW_STEPS = 30;
    /** Steps an epoch of the job the processes walk (they wrap around it). */
    private static final int JOB_STEPS = 10;
    /** How long a window may take before a process counts as not answering, over 4 (see ComputeCeiling). */
    private static final double PATIENCE_SECONDS = 30;
    private static final int BLAS_THREADS = 1;

    private final Path work;

    /** @param work directory for the job file and the processes' logs. */
    public SharedComputeProbe(final Path work)
    {
        this.work = work;
    }

    /**
     * @param model     MLP widths, e.g. 784-2048-2048-10.
     * @param batch     examples per worker per step.
     * @param workers   N, the processes in lockstep.
     * @param processes P ≥ N, all the processes computing at once (a run's workers and servers).
     * @return the workers' compute per step beside the others.
     * @throws IllegalStateException when a process fails or does not answer in time, naming its log.
     */
    public SharedCompute measure(final String model, final int batch, final int workers, final int processes)
        throws InterruptedException
    {
        if (workers < 1 || processes < workers)
        {
            throw new IllegalArgumentException("1 ≤ workers ≤ processes expected, got " + workers + " and " +
                processes);
        }
        final Path jobFile = work.resolve("shared-compute-" + processes + ".conf");
        try
        {
            Files.createDirectories(work);
            Files.writeString(jobFile, ScaleJob.of(model, batch, JOB_STEPS, 1).hocon(processes));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the shared-compute job " + jobFile, ex);
        }
        final ComputeCeiling ceiling = new ComputeCeiling(BLAS_THREADS, WARMUP_STEPS, PATIENCE_SECONDS, 1, work);
        return SharedCompute.of(processes, ceiling.shared(processes, workers, WINDOW_STEPS, jobFile));
    }
}
