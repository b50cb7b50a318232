package io.descent.bench.scale;

import com.typesafe.config.ConfigFactory;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The job of each scaling run: the user's as {@code train} takes it, else the synthetic one, with the overrides. */
class ScaleJobsTest
{
    @TempDir
    Path dir;

    private static final ScaleJob SYNTHETIC = ScaleJob.of("20-16-4", 16, 10, 1);

    private static JobConfig readBack(final Path file)
    {
        return JobArguments.of(null, file, List.of(), null).job();
    }

    @Test
    void shouldRunTheNamedJobWithItsOverridesAndSeedAtEveryCount()
    {
        final JobArguments named = JobArguments.of("regression", null, List.of("train.batch-size=32"), 5L);
        final ScaleJobs jobs = new ScaleJobs(SYNTHETIC, named);
        final JobConfig expected = named.job();
        for (final int workers : new int[]{ 1, 4 })
        {
            final JobConfig run = readBack(jobs.write(dir, workers));
            assertEquals(expected.raw(), run.raw(), workers + " workers");
            assertEquals(32, run.train().batchSize());
            assertEquals(5, run.seed());
        }
    }

    @Test
    void shouldApplyTheOverridesAndSeedOverTheSyntheticJobSizedPerCount()
    {
        final ScaleJobs jobs = new ScaleJobs(SYNTHETIC, JobArguments.of(null, null, List.of("train.momentum=0.5"),
            9L));
        final JobConfig one = readBack(jobs.write(dir, 1));
        final JobConfig three = readBack(jobs.write(dir, 3));
        assertEquals(9, one.seed());
        assertEquals(0.5, one.raw().getDouble("train.momentum"));
        assertEquals(16, three.train().batchSize(), "the per-worker batch of --batch");
        assertEquals(ConfigFactory.parseString(SYNTHETIC.hocon(3)).getInt("data.synthetic.samples"),
            three.raw().getInt("data.synthetic.samples"), "weak scaling: the rows of 3 workers");
        assertEquals(ConfigFactory.parseString(SYNTHETIC.hocon(1)).getInt("data.synthetic.samples"),
            one.raw().getInt("data.synthetic.samples"));
    }
}
