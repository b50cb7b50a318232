package io.descent.model.use;

import io.descent.model.TrainedJob;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import io.descent.train.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavedModelEvaluationTest
{
    @TempDir
    Path dir;

    @Test
    void shouldGiveTheTrainingRunsOwnTestMetricsForAClassifier()
    {
        final TrainedJob trained = TrainedJob.train(TrainedJob.CLASSIFICATION);
        final ModelArtifact saved = saveAndRead(trained);

        final Metrics metrics = SavedModelEvaluation.evaluate(saved, JobConfig.from(saved.job()));

        assertEquals(trained.test(), metrics, "the same weights on the same split, scaled with the saved statistics");
        assertTrue(metrics.accuracy() > 0.5, "better than chance (3 classes): " + metrics.accuracy());
    }

    @Test
    void shouldGiveTheTrainingRunsOwnTestMetricsOnTheRegressionPreset()
    {
        final TrainedJob trained = TrainedJob.train(JobConfig.from(JobSource.build("regression", null,
            List.of("train.epochs=1"), null)));
        final ModelArtifact saved = saveAndRead(trained);

        assertEquals(trained.test(), SavedModelEvaluation.evaluate(saved, JobConfig.from(saved.job())));
    }

    @Test
    void shouldRefuseDataOfAnotherWidth()
    {
        final ModelArtifact saved = saveAndRead(TrainedJob.train(TrainedJob.CLASSIFICATION));
        final JobConfig wider = JobConfig.from(JobSource.build(saved.job(), List.of("data.synthetic.features=7"),
            null));

        final BadInputException problem = assertThrows(BadInputException.class,
            () -> SavedModelEvaluation.evaluate(saved, wider));
        assertTrue(problem.getMessage().contains("7 features") && problem.getMessage().contains("6 features"),
            problem.getMessage());
    }

    private ModelArtifact saveAndRead(final TrainedJob trained)
    {
        ArtifactStore.write(dir.resolve("model"), trained.artifact());
        return ArtifactStore.read(dir.resolve("model"));
    }
}
