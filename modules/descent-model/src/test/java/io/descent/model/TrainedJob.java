package io.descent.model;

import com.typesafe.config.ConfigFactory;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.Model;
import io.descent.train.Evaluator;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.JobSource;
import io.descent.train.Metrics;
import io.descent.train.Trainer;

import java.util.List;

/**
 * A job trained in this process as {@code descent train} trains it (the same data loading, trainer and evaluator),
 * with its test metrics and its artifact: what the tests of a saved model compare against.
 *
 * @param job      the job.
 * @param data     its data and architecture.
 * @param model    the trained model.
 * @param test     the training run's own test metrics.
 * @param artifact the artifact of the trained model.
 */
public record TrainedJob(JobConfig job, JobData data, Model model, Metrics test, ModelArtifact artifact)
{
    /** A small classification job: a teacher network's labels, 6 features, 3 classes, min-max scaling. */
    public static final String CLASSIFICATION = """
        job { name = small-classification, seed = 11 }
        data { source = synthetic, scaling = min-max
               synthetic { kind = teacher, samples = 1200, test-samples = 300, features = 6, classes = 3 } }
        model { layers = [ { type = dense, units = 16, activation = relu }, { type = dropout, rate = 0.1 },
                           { type = dense, units = 8, activation = leaky-relu }, { type = dense } ] }
        train { loss = cross-entropy, batch-size = 32, epochs = 2, learning-rate = 0.05, eval-batch-size = 100 }
        """;

    /**
     * @param hocon a job file's text.
     * @param sets  overrides.
     * @return the job trained for its epochs.
     */
    public static TrainedJob train(final String hocon, final String... sets)
    {
        final JobConfig job = JobConfig.from(JobSource.build(ConfigFactory.parseString(hocon), List.of(sets), null));
        return train(job);
    }

    /**
     * @param job a job.
     * @return the job trained for its epochs.
     */
    public static TrainedJob train(final JobConfig job)
    {
        final JobData data = JobData.load(job, 1);
        final Model model = Model.create(data.spec(), job.seed());
        final Trainer trainer = new Trainer(model, job.train().optimizer().create(model.parameters(),
            Trainer.stepsPerEpoch(data.data().train().size(), job.train().batchSize()), job.train().epochs()),
            data.data().train(), job.train(), job.seed());
        for (int epoch = 1; epoch <= job.train().epochs(); epoch++)
        {
            trainer.runEpoch(epoch, count -> { });
        }
        final Metrics test = new Evaluator(model, job.train().loss(), job.train().evalBatchSize())
            .evaluate(data.data().test());
        final ModelArtifact artifact = ModelArtifact.of(job, data.spec(), model.parameters().toFloatVector(),
            data.data().train(), data.scaling(), trainer.steps());
        return new TrainedJob(job, data, model, test, artifact);
    }
}
