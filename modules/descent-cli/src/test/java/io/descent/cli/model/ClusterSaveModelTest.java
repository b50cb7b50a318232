package io.descent.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code train --workers 2 --save-model DIR}: the parameter server (its own JVM) writes the final weights as an
 * artifact, and evaluating it gives the cluster's own test metrics.
 */
@Tag("slow")
class ClusterSaveModelTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSaveTheModelTheServerTrained() throws IOException
    {
        final Path model = dir.resolve("model");
        final Path report = dir.resolve("cluster.json");
        assertEquals(0, DescentCli.run("train", "regression", "--workers", "2", "--threads", "1", "--set",
            "train.epochs=1", "--set", "data.synthetic.samples=4000", "--seed", "3", "--save-model", model.toString(),
            "--report", report.toString()));
        final JsonNode train = JsonReports.mapper().readTree(report.toFile());
        final ModelArtifact saved = ArtifactStore.read(model);
        assertEquals(train.get("final").get("steps").asLong(), saved.steps());
        assertEquals(3, saved.job().getLong("job.seed"), "--seed reached the server and the workers as job.seed");

        final Path evaluation = dir.resolve("evaluate.json");
        assertEquals(0, DescentCli.run("evaluate", "--model", model.toString(), "--report", evaluation.toString()));

        // The same weights on the same rows; the server ran with one BLAS/OpenMP thread (--threads 1) and this JVM
        // with the default, so ND4J's reductions (the loss sum) may add in another order: equal up to float
        // rounding, not bitwise (in one process, ModelCommandsTest and SavedModelEvaluationTest check bitwise).
        final JsonNode json = JsonReports.mapper().readTree(evaluation.toFile());
        assertEquals(train.get("final").get("test_loss").asDouble(), json.get("test_loss").asDouble(),
            1e-6 * train.get("final").get("test_loss").asDouble());
        assertEquals(train.get("final").get("test_rmse").asDouble(), json.get("test_rmse").asDouble(),
            1e-6 * train.get("final").get("test_rmse").asDouble());
    }
}
