package io.descent.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.descent.cli.DescentCli;
import io.descent.data.Dataset;
import io.descent.data.load.DataLoader;
import io.descent.data.settings.DataSettings;
import io.descent.data.shard.ShardSet;
import io.descent.data.shard.ShardSource;
import io.descent.report.JsonReports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code descent data shard|generate|inspect} and training from their output with {@code data.source = shards}. */
class DataCommandTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldShardACsvAndTrainFromIt() throws IOException
    {
        final Path csv = writeLinearCsv(tmp.resolve("lin.csv"), 2000);
        final Run shard = run("data", "shard", "--input", csv.toString(), "--target", "y", "--task", "regression",
            "--shards", "3", "--out", tmp.resolve("train").toString(), "--test-out", tmp.resolve("test").toString(),
            "--scaling", "standardize", "--seed", "4");
        assertEquals(0, shard.code, shard.err);
        assertEquals(1600, ShardSet.open(tmp.resolve("train"), true).size());
        assertEquals(400, ShardSet.open(tmp.resolve("test"), true).size());
        assertEquals(0, run("data", "inspect", tmp.resolve("train").toString()).code);

        final Path job = Files.writeString(tmp.resolve("job.conf"), String.join("\n",
            "job { seed = 3 }",
            "data { source = shards, scaling = none, shards { dir = \"" + tmp.resolve("train") + "\", " +
                "test-dir = \"" + tmp.resolve("test") + "\" } }",
            "model { init = zeros, layers = [ { type = dense, activation = identity } ] }",
            "train { loss = mse, batch-size = 32, learning-rate = 0.05, momentum = 0.0, epochs = 8 }"));
        final Path report = tmp.resolve("report.json");
        final Run train = run("train", "--config", job.toString(), "--no-progress", "--report", report.toString());
        assertEquals(0, train.code, train.err);
        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        // y = 2 a - b + 1 + N(0, 0.05²): a linear model reaches the noise floor.
        assertTrue(json.get("final").get("test_rmse").asDouble() < 0.1, json.toString());
    }

    @Test
    void shouldGenerateTheRowsOfTheSyntheticSourceForTheSameSeed()
    {
        final Run generate = run("data", "generate", "--kind", "teacher", "--rows", "300", "--features", "5",
            "--classes", "3", "--shards", "2", "--seed", "9", "--out", tmp.resolve("gen").toString());
        assertEquals(0, generate.code, generate.err);
        final Dataset expected = DataLoader.source(DataSettings.from(ConfigFactory.parseString(
            "source = synthetic, synthetic { kind = teacher, samples = 300, features = 5, classes = 3 }")), 9, 0)
            .train();
        final Dataset written = ShardSource.of(ShardSet.open(tmp.resolve("gen"), true)).toDataset();
        assertArrayEquals(expected.features(), written.features());
        assertArrayEquals(expected.labels(), written.labels());
    }

    @Test
    void shouldRejectBadInputWithOneLineAndExitCode2() throws IOException
    {
        final Path csv = writeLinearCsv(tmp.resolve("lin.csv"), 20);
        final String out = tmp.resolve("o").toString();
        assertBadInput("give --target", "data", "shard", "--input", csv.toString(), "--shards", "2", "--out", out);
        assertBadInput("is not a source", "data", "shard", "--input", "nope.txt", "--shards", "2", "--out", out);
        assertBadInput("does not exist", "data", "shard", "--input", "nope.csv", "--target", "y", "--shards", "2",
            "--out", out);
        assertBadInput("--shards 0", "data", "shard", "--input", csv.toString(), "--target", "y", "--task",
            "regression", "--shards", "0", "--out", out);
        assertBadInput("--scaling bogus", "data", "shard", "--input", csv.toString(), "--target", "y", "--task",
            "regression", "--shards", "2", "--out", out, "--scaling", "bogus");
        assertBadInput("already exists", "data", "shard", "--input", csv.toString(), "--target", "y", "--task",
            "regression", "--shards", "2", "--out", tmp.toString());
        assertBadInput("--rows 0", "data", "generate", "--rows", "0", "--out", out);
        assertBadInput("--kind spiral", "data", "generate", "--kind", "spiral", "--rows", "10", "--out", out);
        assertBadInput("no manifest.json", "data", "inspect", tmp.toString());
        final Path job = Files.writeString(tmp.resolve("job.conf"), "data { source = shards, shards.dir = \"" +
            tmp.resolve("missing") + "\" }");
        assertBadInput("is not a directory", "train", "--config", job.toString(), "--no-progress");
        assertFalse(Files.exists(tmp.resolve("o")), "nothing written on bad input");
    }

    private void assertBadInput(final String expected, final String... args)
    {
        final Run run = run(args);
        assertEquals(DescentCli.EXIT_BAD_INPUT, run.code, run.err);
        assertTrue(run.err.contains(expected), "'" + expected + "' in: " + run.err);
        assertEquals(1, run.err.strip().lines().count(), "one line: " + run.err);
    }

    private static Path writeLinearCsv(final Path file, final int rows) throws IOException
    {
        final Random random = new Random(1);
        final StringBuilder csv = new StringBuilder("a,b,y\n");
        for (int i = 0; i < rows; i++)
        {
            final double a = random.nextGaussian();
            final double b = 3 * random.nextDouble();
            csv.append(a).append(',').append(b).append(',').append(2 * a - b + 1 + 0.05 * random.nextGaussian())
                .append('\n');
        }
        return Files.writeString(file, csv);
    }

    private static Run run(final String... args)
    {
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    private record Run(int code, String err)
    {
    }
}
