package io.descent.model.onnx;

import io.descent.model.TrainedJob;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.use.SavedModelEvaluation;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fashion-mnist preset trained for one epoch on the real data, saved, read back, and exported: ONNX Runtime's
 * outputs on the 10 000 raw test images match Descent's, and the saved model evaluates to the run's own test metrics;
 * and the fashion-mnist-cnn preset with random weights on the same images.
 */
@Tag("slow")
class FashionMnistOnnxTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMatchDescentOnTheFashionMnistTestSplit() throws Exception
    {
        final TrainedJob trained = TrainedJob.train(JobConfig.from(JobSource.build("fashion-mnist", null,
            List.of("train.epochs=1"), null)));
        ArtifactStore.write(dir.resolve("model"), trained.artifact());
        final ModelArtifact saved = ArtifactStore.read(dir.resolve("model"));
        final Path file = dir.resolve("fashion-mnist.onnx");

        OnnxExport.write(saved, file);
        final float[] raw = OnnxExportTest.rawTest(trained);
        final double worst = OnnxRuntimeCheck.assertSameOutputs(file, saved, raw);

        assertEquals(10_000 * 784, raw.length);
        assertTrue(trained.test().accuracy() > 0.75, "one epoch learns something: " + trained.test().accuracy());
        assertEquals(trained.test(), SavedModelEvaluation.evaluate(saved, JobConfig.from(saved.job())));
        System.out.printf("fashion-mnist: ONNX Runtime vs Descent, largest relative difference %.3g%n", worst);
    }

    @Test
    void shouldMatchDescentOnTheFashionMnistTestSplitWithTheCnnPreset() throws Exception
    {
        final JobConfig job = JobConfig.from(JobSource.build("fashion-mnist-cnn", null, List.of(), null));
        final ModelArtifact artifact = ConvOnnxExportTest.withRandomWeights(job);
        final Path file = dir.resolve("fashion-mnist-cnn.onnx");

        OnnxExport.write(artifact, file);
        final float[] raw = OnnxExportTest.rawTest(job, artifact.outputs());
        final double worst = OnnxRuntimeCheck.assertSameOutputs(file, artifact, raw);

        assertEquals(10_000 * 784, raw.length);
        System.out.printf("fashion-mnist-cnn (random weights): ONNX Runtime vs Descent, largest relative difference " +
            "%.3g%n", worst);
    }
}
