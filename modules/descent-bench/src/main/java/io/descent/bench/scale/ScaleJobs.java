package io.descent.bench.scale;

import com.typesafe.config.ConfigFactory;
import io.descent.train.JobArguments;
import io.descent.train.JobConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The job of each run of a scaling benchmark: the user's ({@code PRESET | --config FILE}) the same for every count,
 * else the synthetic {@link ScaleJob} sized for the count; {@code --set} and {@code --seed} over either, resolved as
 * {@code descent train} resolves them. Written as a resolved HOCON file every node of the run reads. Immutable.
 *
 * @param synthetic the synthetic job, used when the user named none.
 * @param arguments the user's job arguments.
 */
record ScaleJobs(ScaleJob synthetic, JobArguments arguments)
{
    /**
     * @param workers the run's worker count.
     * @return the validated job of that run.
     * @throws io.descent.nn.error.BadInputException for a bad job, exactly as {@code descent train} reports it.
     */
    JobConfig resolve(final int workers)
    {
        return JobConfig.from(arguments.user(ConfigFactory.parseString(synthetic.hocon(workers))));
    }

    /**
     * Writes the job file for {@code workers} workers into {@code dir}.
     *
     * @return the file.
     */
    Path write(final Path dir, final int workers)
    {
        final Path file = dir.resolve("scale-" + workers + ".conf");
        try
        {
            Files.writeString(file, resolve(workers).hocon());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("writing the scaling job " + file, ex);
        }
        return file;
    }
}
