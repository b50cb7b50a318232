package io.descent.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The regression preset learns y = sin(2 x1) + x2²/2 down close to its noise floor (σ = 0.1). */
class RegressionPresetTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFitTheKnownFunctionNearTheNoiseFloor() throws IOException
    {
        final Path report = dir.resolve("regression.json");
        assertEquals(0, DescentCli.run("train", "regression", "--no-progress", "--set", "train.epochs=10",
            "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        final double rmse = json.get("final").get("test_rmse").asDouble();
        // A constant predictor has RMSE ≈ std(y) ≈ 0.9 here; the noise alone gives 0.1.
        assertTrue(rmse < 0.2, "test RMSE " + rmse);
        assertEquals(10, json.get("epochs").size());
        assertTrue(json.get("epochs").get(9).has("val_rmse"));
    }
}
