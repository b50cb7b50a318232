package io.descent.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigRenderOptions;
import io.descent.cli.DescentCli;
import io.descent.cluster.checkpoint.Checkpoint;
import io.descent.cluster.checkpoint.CheckpointStore;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.onnx.proto.Onnx.ModelProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;
import io.descent.report.JsonReports;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands a user runs on a trained model, in-process: {@code train --save-model}, {@code evaluate},
 * {@code predict}, {@code export onnx}, {@code model from-checkpoint}; and their answers to bad input.
 */
class ModelCommandsTest
{
    private static final String[] REGRESSION = { "train", "regression", "--no-progress", "--set", "train.epochs=1" };

    @TempDir
    static Path trained;

    @TempDir
    Path dir;

    private static Path model;
    private static JsonNode trainReport;

    @BeforeAll
    static void trainAndSave() throws IOException
    {
        model = trained.resolve("model");
        final Path report = trained.resolve("train.json");
        final Result result = run(concat(REGRESSION, "--save-model", model.toString(), "--report",
            report.toString()));
        assertEquals(0, result.code, result.err);
        trainReport = JsonReports.mapper().readTree(report.toFile());
    }

    @Test
    void shouldEvaluateToTheTrainingRunsTestMetrics() throws IOException
    {
        final Path report = dir.resolve("evaluate.json");

        assertEquals(0, run("evaluate", "--model", model.toString(), "--report", report.toString()).code);

        final JsonNode json = JsonReports.mapper().readTree(report.toFile());
        assertEquals(trainReport.get("final").get("test_loss").asDouble(), json.get("test_loss").asDouble());
        assertEquals(trainReport.get("final").get("test_rmse").asDouble(), json.get("test_rmse").asDouble());
        assertEquals(4000, json.get("test_examples").asInt());
        assertEquals("synthetic", json.get("data_source").asText());
    }

    @Test
    void shouldEvaluateOnThePresetGivenAsTrainTakesIt() throws IOException
    {
        final Path report = dir.resolve("evaluate.json");

        assertEquals(0, run("evaluate", "--model", model.toString(), "regression", "--report",
            report.toString()).code);

        assertEquals(trainReport.get("final").get("test_loss").asDouble(),
            JsonReports.mapper().readTree(report.toFile()).get("test_loss").asDouble());
    }

    @Test
    void shouldPredictOneValuePerRow() throws IOException
    {
        final Path input = dir.resolve("rows.csv");
        Files.writeString(input, "x1,x2,x3,x4,x5,x6,x7,x8\n0.5,0,0,0,0,0,0,0\n-1,2,0,0,0,0,0,0\n");
        final Path output = dir.resolve("predictions.csv");

        assertEquals(0, run("predict", "--model", model.toString(), "--input", input.toString(), "--output",
            output.toString()).code);

        final List<String> lines = Files.readAllLines(output);
        assertEquals(List.of("y0"), List.of(lines.get(0)));
        assertEquals(3, lines.size());
        // y = sin(2 x1) + x2²/2: one epoch gets the sign of the first row right at least.
        assertTrue(Float.parseFloat(lines.get(1)) > 0.3f, lines.get(1));
    }

    /** A classifier trained on a CSV whose header names are quoted, one holding a comma, and text labels. */
    private Path csvModel() throws IOException
    {
        final StringBuilder csv = new StringBuilder("\"length, cm\",\"width\",\"kind\"\n");
        for (int i = 0; i < 40; i++)
        {
            csv.append(i % 2 == 0 ? "\"" + (1 + i * 0.01) + "\",0.5,\"small, round\"\n" :
                (5 + i * 0.01) + ",\"2.5\",large\n");
        }
        final Path data = Files.writeString(dir.resolve("train.csv"), csv.toString());
        final Path job = Files.writeString(dir.resolve("csv.conf"), "data { source = csv, csv { path = \"" + data +
            "\", target = kind } }\nmodel.layers = [ { type = dense, units = 2, activation = softmax } ]\n" +
            "train { batch-size = 8, epochs = 2 }\n");
        final Path saved = dir.resolve("csv-model");
        final Result trainedOnCsv = run("train", "--config", job.toString(), "--no-progress", "--save-model",
            saved.toString());
        assertEquals(0, trainedOnCsv.code, trainedOnCsv.err);
        return saved;
    }

    @Test
    void shouldReadQuotedInputCellsAsTheUnquotedOnes() throws IOException
    {
        final Path saved = csvModel();
        final Path plain = Files.writeString(dir.resolve("plain.csv"), "width,\"length, cm\"\n0.5,1.2\n2.5,5.3\n");
        final Path quoted = Files.writeString(dir.resolve("quoted.csv"),
            "\"kind\", \"width\" ,\"length, cm\"\n\"small, round\",\"0.5\",\"1.2\"\n\"\"\"x\"\"\",2.5, \"5.3\"\n");
        final Path fromPlain = dir.resolve("plain-out.csv");
        final Path fromQuoted = dir.resolve("quoted-out.csv");

        assertEquals(0, run("predict", "--model", saved.toString(), "--input", plain.toString(), "--output",
            fromPlain.toString()).code);
        final Result result = run("predict", "--model", saved.toString(), "--input", quoted.toString(), "--output",
            fromQuoted.toString());

        assertEquals(0, result.code, result.err);
        assertEquals(Files.readAllLines(fromPlain), Files.readAllLines(fromQuoted));
        assertEquals(3, Files.readAllLines(fromQuoted).size());
        assertTrue(Files.readAllLines(fromQuoted).get(0).startsWith("class_index,class_name"),
            Files.readAllLines(fromQuoted).get(0));
    }

    @Test
    void shouldRefuseABadQuotedRowWithOneLineNamingFileRowAndColumn() throws IOException
    {
        final Path input = Files.writeString(dir.resolve("rows.csv"),
            "x1,x2,x3,x4,x5,x6,x7,x8\n0.5,0,0,0,0,0,0,0\n0.5,0,\"0,0,0,0,0,0\n");
        final Path output = dir.resolve("predictions.csv");

        final Result open = run("predict", "--model", model.toString(), "--input", input.toString(), "--output",
            output.toString());

        assertEquals(2, open.code);
        assertEquals(1, open.err.strip().lines().count(), open.err);
        assertTrue(open.err.contains("--input " + input + ", line 3, column 3: a quoted cell has no closing quote"),
            open.err);
        assertFalse(Files.exists(output));

        Files.writeString(input, "x1,x2,x3,x4,x5,x6,x7,x8\n0.5,\"0\"1,0,0,0,0,0,0\n");
        final Result after = run("predict", "--model", model.toString(), "--input", input.toString(), "--output",
            output.toString());
        assertEquals(2, after.code);
        assertTrue(after.err.contains("--input " + input + ", line 2, column 2: text after the closing quote"),
            after.err);
        assertFalse(Files.exists(output));
    }

    @Test
    void shouldRefuseANonNumericCellWithOneLineAndNoOutput() throws IOException
    {
        final Path input = dir.resolve("rows.csv");
        Files.writeString(input, "x1,x2,x3,x4,x5,x6,x7,x8\n0.5,0,zero,0,0,0,0,0\n");
        final Path output = dir.resolve("predictions.csv");

        final Result result = run("predict", "--model", model.toString(), "--input", input.toString(), "--output",
            output.toString());

        assertEquals(2, result.code);
        assertEquals(1, result.err.strip().lines().count(), result.err);
        assertTrue(result.err.contains("line 2, column 3: 'zero' is not a finite number"), result.err);
        assertFalse(Files.exists(output));
    }

    @Test
    void shouldRefuseAModelWhoseWeightsFailTheirChecksum() throws IOException
    {
        final Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        for (final String file : List.of("model.json", "weights.f32", "job.conf"))
        {
            Files.copy(model.resolve(file), copy.resolve(file));
        }
        try (FileChannel channel = FileChannel.open(copy.resolve("weights.f32"), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{ 1, 2, 3 }), 40);
        }
        final Path input = dir.resolve("rows.csv");
        Files.writeString(input, "x1,x2,x3,x4,x5,x6,x7,x8\n0.5,0,0,0,0,0,0,0\n");
        final Path output = dir.resolve("predictions.csv");

        final Result result = run("predict", "--model", copy.toString(), "--input", input.toString(), "--output",
            output.toString());

        assertEquals(2, result.code);
        assertEquals(1, result.err.strip().lines().count(), result.err);
        assertTrue(result.err.contains("weights.f32") && result.err.contains("damaged"), result.err);
        assertFalse(Files.exists(output));
        assertEquals(2, run("evaluate", "--model", copy.toString()).code);
        assertEquals(2, run("export", "onnx", "--model", copy.toString(), "--output",
            dir.resolve("m.onnx").toString()).code);
    }

    @Test
    void shouldExportOnnx() throws IOException
    {
        final Path output = dir.resolve("model.onnx");

        assertEquals(0, run("export", "onnx", "--model", model.toString(), "--output", output.toString()).code);

        assertTrue(Files.size(output) > 4 * 64 * 64, "holds the weights: " + Files.size(output) + " bytes");
    }

    @Test
    void shouldExportAConvolutionalModelTrainedByTheTrainCommand() throws IOException
    {
        final Path job = Files.writeString(dir.resolve("cnn.conf"), """
            data { source = synthetic, scaling = min-max, shape = [2, 9, 9]
                   synthetic { kind = teacher, samples = 300, test-samples = 50, features = 162, classes = 3 } }
            model.layers = [ { type = conv2d, filters = 4, kernel = 3, stride = 2, padding = same },
                             { type = avg-pool2d, size = 2 }, { type = flatten }, { type = dense } ]
            train { loss = cross-entropy, batch-size = 20, epochs = 1 }
            """);
        final Path saved = dir.resolve("cnn-model");
        final Path output = dir.resolve("cnn.onnx");
        final Result trainedCnn = run("train", "--config", job.toString(), "--no-progress", "--save-model",
            saved.toString());
        assertEquals(0, trainedCnn.code, trainedCnn.err);

        final Result exported = run("export", "onnx", "--model", saved.toString(), "--output", output.toString());

        assertEquals(0, exported.code, exported.err);
        final ModelProto onnx = ModelProto.parseFrom(Files.readAllBytes(output));
        assertEquals(List.of("Sub", "Mul", "Reshape", "Conv", "Relu", "AveragePool", "Flatten", "Gemm", "Softmax"),
            onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    @Test
    void shouldTurnACheckpointIntoTheSameArtifact()
    {
        final ModelArtifact saved = ArtifactStore.read(model);
        final JobConfig job = JobConfig.from(JobSource.build("regression", null, List.of("train.epochs=1"), null));
        final Checkpoint checkpoint = new Checkpoint(saved.steps(), 1, 2, 0, 0.0, 0, saved.fingerprint().hash(),
            saved.fingerprint().architecture(), 0, job.raw().root().render(ConfigRenderOptions.concise()),
            new long[]{ saved.weights().length, saved.weights().length }, 0);
        final Path written = CheckpointStore.write(dir.resolve("checkpoints"), checkpoint,
            List.of(Nd4j.createFromArray(saved.weights()), Nd4j.zeros(saved.weights().length).castTo(
                org.nd4j.linalg.api.buffer.DataType.FLOAT)), 2);
        final Path output = dir.resolve("from-checkpoint");

        assertEquals(0, run("model", "from-checkpoint", dir.resolve("checkpoints").toString(), "--output",
            output.toString()).code);

        final ModelArtifact converted = ArtifactStore.read(output);
        assertArrayEquals(saved.weights(), converted.weights());
        assertEquals(saved.fingerprint(), converted.fingerprint());
        assertArrayEquals(saved.scaling().stages().get(0).factors(), converted.scaling().stages().get(0).factors());
        assertEquals(saved.steps(), converted.steps());
        assertTrue(Files.isDirectory(written));
    }

    @Test
    void shouldRefuseToSaveOverADirectoryThatIsNotAModel() throws IOException
    {
        final Path target = dir.resolve("results");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "mine");

        final Result result = run(concat(REGRESSION, "--save-model", target.toString()));

        assertEquals(2, result.code);
        assertTrue(result.err.contains("is not a model artifact"), result.err);
        assertEquals("mine", Files.readString(target.resolve("keep.txt")));
    }

    private record Result(int code, String err)
    {
    }

    private static Result run(final String... args)
    {
        final StringWriter err = new StringWriter();
        final int code = DescentCli.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Result(code, err.toString());
    }

    private static String[] concat(final String[] first, final String... rest)
    {
        final String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
