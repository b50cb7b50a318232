package io.descent.cli.model;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.Model;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code descent model from-checkpoint CKPT --output DIR}: a model artifact from a parameter server's checkpoint (a
 * {@code step-<n>} directory, or a checkpoint directory, whose newest is taken). The checkpoint holds the weights and
 * the job; the scaling statistics and class names are fitted again from the job's data, exactly as the job fitted
 * them (same source and seed), so the data must be where the job found it.
 */
@Command(
    name = "from-checkpoint",
    mixinStandardHelpOptions = true,
    description = "Turn a checkpoint (a step-<n> directory, or a checkpoint directory: its newest) into a model " +
        "artifact. Reads the job's data again for the scaling statistics and class names.")
public final class FromCheckpointCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "CKPT", description = "a checkpoint step-<n> directory or a checkpoint " +
        "directory")
    Path checkpoint;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "the artifact directory to write")
    Path output;

    @Override
    public Integer call()
    {
        ArtifactStore.checkTarget(output, "--output");
        final Path dir = Files.isRegularFile(checkpoint.resolve("meta.kryo")) ? checkpoint :
            CheckpointStore.latest(checkpoint).orElseThrow(() -> new BadInputException("model from-checkpoint " +
                checkpoint + ": no checkpoint there (expected meta.kryo, or step-<n> directories holding one)"));
        final Checkpoint meta = CheckpointStore.read(dir);
        final JobConfig job;
        try
        {
            job = JobConfig.from(ModelArtifact.sections(ConfigFactory.parseString(meta.config())));
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("checkpoint " + dir + ": its job configuration cannot be read: " +
                ex.getMessage(), ex);
        }
        final JobData data = JobData.load(job, 1);
        final Model model = Model.create(data.spec(), job.seed());
        if (model.fingerprint().hash() != meta.fingerprint())
        {
            throw new BadInputException("checkpoint " + dir + " is of model " + meta.architecture() + ", but its job " +
                "now builds " + model.fingerprint().architecture() + " (has the data changed?)");
        }
        CheckpointStore.readWeights(dir, model.parameters());
        ArtifactStore.write(output, ModelArtifact.of(job, data.spec(), model.parameters().toFloatVector(),
            data.data().train(), data.scaling(), meta.step()));
        System.out.printf("model of %s (step %d) saved to %s%n", dir, meta.step(), output);
        return 0;
    }
}
