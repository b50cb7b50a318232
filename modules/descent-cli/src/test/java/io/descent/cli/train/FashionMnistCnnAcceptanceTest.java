package io.descent.cli.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.cli.DescentCli;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fashion-mnist-cnn preset end to end on the real dataset (apt-get install dataset-fashion-mnist): images fed as
 * NCHW through {@code data.shape}, convolutions, pooling and dense layers trained single-process. One epoch (its
 * cosine schedule compressed into it) reaches 86.2 % test accuracy on this host; the bar leaves a point of margin.
 * The preset's full run and the 2-worker acceptance (>= 92 %) take longer than a CI test should.
 */
@Tag("slow")
class FashionMnistCnnAcceptanceTest
{
    @TempDir
    Path dir;

    @Test
    void shouldTrainTheConvolutionalPresetForAnEpoch() throws IOException
    {
        final Path report = dir.resolve("fashion-mnist-cnn.json");
        assertEquals(0, DescentCli.run("train", "fashion-mnist-cnn", "--no-progress", "--set", "train.epochs=1",
            "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertTrue(json.get("model").asText().startsWith("1x28x28>conv2d(1x28x28,32,3x3"), json.get("model").asText());
        assertEquals(421642, json.get("params").asLong());
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        assertTrue(accuracy >= 0.85, "test accuracy " + accuracy + " < 0.85");
    }
}
