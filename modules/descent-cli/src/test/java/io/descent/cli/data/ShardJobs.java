package io.descent.cli.data;

import com.typesafe.config.ConfigFactory;
import io.descent.data.SourceSplits;
import io.descent.data.load.DataLoader;
import io.descent.nn.Model;
import io.descent.nn.config.ModelSpecReader;
import io.descent.train.Evaluator;
import io.descent.train.JobConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the larger-than-heap tests measure a shard-set job against. */
final class ShardJobs
{
    private ShardJobs()
    {
    }

    /** @return the validation loss of the job's initial model: same spec, same seed, same validation rows. */
    static double initialValidationLoss(final Path jobFile)
    {
        final JobConfig job = JobConfig.from(ConfigFactory.parseFile(jobFile.toFile()));
        final SourceSplits data = DataLoader.open(job.data(), job.seed(), 4);
        final Model model = Model.create(ModelSpecReader.read(job.model(), "model", data.train().numFeatures(),
            data.train().numOutputs(), job.train().loss()), job.seed());
        return new Evaluator(model, job.train().loss(), job.train().evalBatchSize()).evaluate(data.validation()).loss();
    }

    /** @return bytes of the files directly in {@code dir}. */
    static long sizeOf(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
