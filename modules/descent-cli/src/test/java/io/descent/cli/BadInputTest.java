package io.descent.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input: exit code 2, exactly one line on stderr naming the problem, no stack trace, and the
 * report file that was there before left untouched.
 */
class BadInputTest
{
    private static final String OLD_REPORT = "{\"previous\": true}";

    @TempDir
    Path dir;
    private Path report;

    @BeforeEach
    void writePreviousReport() throws IOException
    {
        report = dir.resolve("report.json");
        Files.writeString(report, OLD_REPORT);
    }

    @Test
    void shouldNameTheMissingDatasetDirectoryAndPackage()
    {
        expectBadInput(new String[]{ "--set", "data.dir=" + dir.resolve("nowhere") }, "nowhere",
            "dataset-fashion-mnist");
    }

    @Test
    void shouldRejectAnIdxFileWithABadMagicNumber() throws IOException
    {
        final Path data = Files.createDirectories(dir.resolve("fmnist"));
        writeGzip(data.resolve("train-images-idx3-ubyte.gz"), ByteBuffer.allocate(16).putInt(0x0BADBEEF).array());
        writeGzip(data.resolve("train-labels-idx1-ubyte.gz"), ByteBuffer.allocate(8).putInt(0x801).putInt(0).array());
        writeGzip(data.resolve("t10k-images-idx3-ubyte.gz"), ByteBuffer.allocate(16).putInt(0x803).array());
        writeGzip(data.resolve("t10k-labels-idx1-ubyte.gz"), ByteBuffer.allocate(8).putInt(0x801).array());
        expectBadInput(new String[]{ "--set", "data.dir=" + data }, "magic");
    }

    @Test
    void shouldRejectATruncatedIdxFile() throws IOException
    {
        final Path data = Files.createDirectories(dir.resolve("fmnist"));
        final ByteBuffer header = ByteBuffer.allocate(16 + 100).putInt(0x803).putInt(10).putInt(28).putInt(28);
        writeGzip(data.resolve("train-images-idx3-ubyte.gz"), header.array());
        writeGzip(data.resolve("train-labels-idx1-ubyte.gz"), ByteBuffer.allocate(18).putInt(0x801).putInt(10).array());
        writeGzip(data.resolve("t10k-images-idx3-ubyte.gz"), header.array());
        writeGzip(data.resolve("t10k-labels-idx1-ubyte.gz"), ByteBuffer.allocate(18).putInt(0x801).putInt(10).array());
        expectBadInput(new String[]{ "--set", "data.dir=" + data }, "train-images-idx3-ubyte.gz");
    }

    @Test
    void shouldNameLineAndColumnOfANonNumericCsvCell() throws IOException
    {
        expectCsvError("a,b,label\n1,2,0\n3,oops,1\n", "label", "line 3");
    }

    @Test
    void shouldRejectRaggedCsvRows() throws IOException
    {
        expectCsvError("a,b,label\n1,2,0\n3,1\n", "label", "line 3");
    }

    @Test
    void shouldRejectAnEmptyCsvFile() throws IOException
    {
        expectCsvError("", "label", "empty");
    }

    @Test
    void shouldListTheColumnsForAnUnknownTarget() throws IOException
    {
        expectCsvError("a,b,label\n1,2,0\n3,4,1\n", "klass", "label");
    }

    @Test
    void shouldRejectNonFiniteFeatures() throws IOException
    {
        expectCsvError("a,b,label\n1,2,0\n3,NaN,1\n", "label", "line 3");
    }

    @Test
    void shouldRejectALabelThatDoesNotFitTheOutputLayer() throws IOException
    {
        final Path csv = dir.resolve("data.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,4,1\n5,6,7\n2,2,1\n1,1,0\n");
        final Path job = dir.resolve("job.conf");
        Files.writeString(job, "data { source = csv, csv { path = \"" + csv + "\", target = label } }\n" +
            "model.layers = [ { units = 4 }, { type = dense, units = 3, activation = softmax } ]\n" +
            "train { batch-size = 2, epochs = 1 }\n");
        expectBadInput(new String[]{ "--config", job.toString() }, "7");
    }

    @Test
    void shouldSuggestTheNearestKeyForAnUnknownOne()
    {
        expectBadInput(new String[]{ "--set", "train.learning-rat=0.1" }, "train.learning-rat", "train.learning-rate");
    }

    @Test
    void shouldRejectOutOfRangeKnobs()
    {
        expectBadKnob("train.learning-rate=0", "train.learning-rate");
        expectBadKnob("train.learning-rate=-1", "train.learning-rate");
        expectBadKnob("train.batch-size=0", "train.batch-size");
        expectBadKnob("train.epochs=0", "train.epochs");
        expectBadKnob("model.layers=[{units=0}, {type=dense}]", "units");
        expectBadKnob("model.layers=[{units=8, activation=swish}, {type=dense}]", "swish", "leaky-relu");
        expectBadKnob("train.loss=hinge", "hinge", "cross-entropy");
        expectBadKnob("model.init=glorot", "glorot", "xavier-uniform");
    }

    @Test
    void shouldRejectABatchLargerThanTheDataset()
    {
        final String[] args = { "train", "regression", "--set", "data.synthetic.samples=100", "--set",
            "train.batch-size=500", "--report", "" };
        expectBadInputArgs(args, "train.batch-size");
    }

    @Test
    void shouldStopWithAClearMessageWhenTrainingDiverges()
    {
        final String[] args = { "train", "regression", "--set", "train.optimizer=sgd", "--set",
            "train.learning-rate=1e6", "--set", "train.epochs=3", "--report", "" };
        expectBadInputArgs(args, "diverged", "step", "learning-rate");
    }

    @Test
    void shouldRejectUnknownPresetsAndMalformedOverrides()
    {
        expectBadInputArgs(new String[]{ "train", "cifar", "--report", "" }, "cifar", "fashion-mnist");
        expectBadInput(new String[]{ "--set", "train.epochs" }, "key=value");
        expectBadInputArgs(new String[]{ "train", "--config", dir.resolve("missing.conf").toString(), "--report", "" },
            "missing.conf");
    }

    private void expectCsvError(final String content, final String target, final String... fragments)
        throws IOException
    {
        final Path csv = dir.resolve("data.csv");
        Files.writeString(csv, content);
        final Path job = dir.resolve("job.conf");
        Files.writeString(job, "data { source = csv, csv { path = \"" + csv + "\", target = " + target + " } }\n" +
            "train { batch-size = 1, epochs = 1 }\n");
        expectBadInput(new String[]{ "--config", job.toString() }, fragments);
    }

    /**
     * Runs {@code train regression --set SETTING --report FILE} and checks the failure: the regression preset's
     * synthetic data, so a knob's check needs no dataset installed (the model's layers are read after the data).
     */
    private void expectBadKnob(final String setting, final String... fragments)
    {
        expectBadInputArgs(new String[]{ "train", "regression", "--set", setting, "--report", "" }, fragments);
    }

    /** Runs {@code train fashion-mnist ARGS --report FILE} (or the given config) and checks the failure. */
    private void expectBadInput(final String[] args, final String... fragments)
    {
        final boolean hasConfig = args.length > 0 && args[0].equals("--config");
        final String[] full = new String[args.length + (hasConfig ? 3 : 4)];
        int i = 0;
        full[i++] = "train";
        if (!hasConfig)
        {
            full[i++] = "fashion-mnist";
        }
        for (final String arg : args)
        {
            full[i++] = arg;
        }
        full[i++] = "--report";
        full[i] = "";
        expectBadInputArgs(full, fragments);
    }

    private void expectBadInputArgs(final String[] args, final String... fragments)
    {
        args[args.length - 1] = report.toString();
        final CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), "exit code; stderr: " + run.err());
        final String err = run.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line on stderr, got: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (final String fragment : fragments)
        {
            assertTrue(err.contains(fragment), "'" + fragment + "' missing from: " + err);
        }
        try
        {
            assertEquals(OLD_REPORT, Files.readString(report), "the earlier report must be untouched");
            try (var files = Files.list(dir))
            {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void writeGzip(final Path file, final byte[] content) throws IOException
    {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file)))
        {
            out.write(content);
        }
    }
}
