package io.descent.model.onnx;

import io.descent.data.Dataset;
import io.descent.data.load.DataLoader;
import io.descent.model.TrainedJob;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.train.JobConfig;
import io.descent.train.JobSource;
import io.descent.model.onnx.proto.Onnx.ModelProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The exported graph, read back by protobuf and run by ONNX Runtime, against Descent's own predictions. */
class OnnxExportTest
{
    @TempDir
    Path dir;

    @Test
    void shouldMatchDescentOnAClassifierWithDropoutAndLeakyRelu() throws Exception
    {
        final TrainedJob trained = TrainedJob.train(TrainedJob.CLASSIFICATION);
        final ModelArtifact saved = saveAndRead(trained);
        final Path file = dir.resolve("model.onnx");

        OnnxExport.write(saved, file);

        final ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxExport.OPSET, model.getOpsetImport(0).getVersion());
        assertEquals(List.of("Sub", "Mul", "Gemm", "Relu", "Gemm", "LeakyRelu", "Gemm", "Softmax"),
            model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList(), "dropout is left out");
        OnnxRuntimeCheck.assertSameOutputs(file, saved, rawTest(trained));
    }

    @Test
    void shouldMatchDescentOnTheRegressionPreset() throws Exception
    {
        final TrainedJob trained = TrainedJob.train(JobConfig.from(JobSource.build("regression", null,
            List.of("train.epochs=1"), null)));
        final ModelArtifact saved = saveAndRead(trained);
        final Path file = dir.resolve("regression.onnx");

        OnnxExport.write(saved, file);

        final ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(List.of("Sub", "Mul", "Gemm", "Tanh", "Gemm", "Tanh", "Gemm"),
            model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        OnnxRuntimeCheck.assertSameOutputs(file, saved, rawTest(trained));
    }

    @Test
    void shouldMatchDescentOnSigmoidOutputs() throws Exception
    {
        final TrainedJob trained = TrainedJob.train("""
            job { name = xor, seed = 2 }
            data { source = synthetic, scaling = none, synthetic { kind = xor, samples = 800, test-samples = 200 } }
            model { layers = [ { type = dense, units = 8, activation = tanh }, { type = dense } ] }
            train { loss = binary-cross-entropy, batch-size = 16, epochs = 2, learning-rate = 0.1 }
            """);
        final ModelArtifact saved = saveAndRead(trained);
        final Path file = dir.resolve("xor.onnx");

        OnnxExport.write(saved, file);

        final ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(List.of("Gemm", "Tanh", "Gemm", "Sigmoid"),
            model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList(), "no scaling, no nodes");
        OnnxRuntimeCheck.assertSameOutputs(file, saved, rawTest(trained));
    }

    /** @return the job's test split as raw rows, before any scaling. */
    static float[] rawTest(final TrainedJob trained)
    {
        return rawTest(trained.job(), trained.artifact().outputs());
    }

    /** @return the test split of {@code job}'s data (a model of {@code outputs} outputs) as raw rows. */
    static float[] rawTest(final JobConfig job, final int outputs)
    {
        final Dataset raw = DataLoader.source(job.data(), job.seed(), outputs).test();
        return raw.features();
    }

    private ModelArtifact saveAndRead(final TrainedJob trained)
    {
        ArtifactStore.write(dir.resolve("model"), trained.artifact());
        return ArtifactStore.read(dir.resolve("model"));
    }
}
