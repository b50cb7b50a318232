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
 * The foundation's acceptance: the fashion-mnist preset, with default settings, on the real dataset
 * (apt-get install dataset-fashion-mnist), reaches at least 88.5 % test accuracy within 20 epochs.
 */
@Tag("slow")
class FashionMnistAcceptanceTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReachThePublishedMlpAccuracyWithDefaultSettings() throws IOException
    {
        final Path report = dir.resolve("fashion-mnist.json");
        assertEquals(0, DescentCli.run("train", "fashion-mnist", "--no-progress", "--report", report.toString()));
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals("single", json.get("mode").asText());
        assertEquals(1, json.get("workers").asInt());
        assertTrue(json.get("epochs").size() <= 20, "at most 20 epochs");
        final double accuracy = json.get("final").get("test_accuracy").asDouble();
        assertTrue(accuracy >= 0.885, "test accuracy " + accuracy + " < 0.885");
    }

    @Test
    void shouldGiveTheSameResultTwiceForASeed() throws IOException
    {
        final JsonNode first = oneEpoch("first.json");
        final JsonNode second = oneEpoch("second.json");
        assertEquals(first.get("epochs").get(0).get("train_loss").asDouble(),
            second.get("epochs").get(0).get("train_loss").asDouble());
        assertEquals(first.get("final").get("test_loss").asDouble(), second.get("final").get("test_loss").asDouble());
        assertEquals(first.get("final").get("test_accuracy").asDouble(),
            second.get("final").get("test_accuracy").asDouble());
    }

    private JsonNode oneEpoch(final String name) throws IOException
    {
        final Path report = dir.resolve(name);
        assertEquals(0, DescentCli.run("train", "fashion-mnist", "--no-progress", "--set", "train.epochs=1",
            "--seed", "5", "--report", report.toString()));
        return JsonReports.mapper().readTree(report.toFile());
    }
}
