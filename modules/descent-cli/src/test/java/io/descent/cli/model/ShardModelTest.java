package io.descent.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.data.scale.ScalingKind;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A model trained on a shard set whose writer scaled the rows saves both scalings (the writer's, then the one applied
 * on read), and evaluates on that shard set to the run's own test metrics.
 */
class ShardModelTest
{
    @TempDir
    Path dir;

    @Test
    void shouldSaveTheWritersScalingThenTheJobsAndEvaluateOnTheShards() throws IOException
    {
        final Path train = dir.resolve("train");
        final Path test = dir.resolve("test");
        assertEquals(0, DescentCli.run("data", "shard", "--input", "synthetic", "--shards", "2", "--out",
            train.toString(), "--test-out", test.toString(), "--scaling", "standardize"));
        final Path job = dir.resolve("job.conf");
        Files.writeString(job, """
            job { name = shards, seed = 5 }
            data { source = shards, scaling = min-max, shards { dir = "%s", test-dir = "%s" } }
            model { layers = [ { type = dense, units = 8, activation = relu }, { type = dense } ] }
            train { loss = mse, batch-size = 64, epochs = 1, learning-rate = 0.01 }
            """.formatted(train, test));
        final Path model = dir.resolve("model");
        final Path report = dir.resolve("train.json");
        assertEquals(0, DescentCli.run("train", "--config", job.toString(), "--no-progress", "--save-model",
            model.toString(), "--report", report.toString()));

        final ModelArtifact saved = ArtifactStore.read(model);
        assertEquals(2, saved.scaling().stages().size());
        assertEquals(ScalingKind.STANDARDIZE, saved.scaling().stages().get(0).kind());
        assertEquals(ScalingKind.MIN_MAX, saved.scaling().stages().get(1).kind());

        final Path evaluation = dir.resolve("evaluate.json");
        assertEquals(0, DescentCli.run("evaluate", "--model", model.toString(), "--report", evaluation.toString()));
        final JsonNode trained = JsonReports.mapper().readTree(report.toFile()).get("final");
        final JsonNode evaluated = JsonReports.mapper().readTree(evaluation.toFile());
        assertEquals(trained.get("test_loss").asDouble(), evaluated.get("test_loss").asDouble());
        assertEquals(trained.get("test_rmse").asDouble(), evaluated.get("test_rmse").asDouble());
    }
}
