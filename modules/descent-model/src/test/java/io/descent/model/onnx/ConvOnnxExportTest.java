package io.descent.model.onnx;

import io.descent.model.TrainedJob;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.onnx.proto.Onnx.ModelProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;
import io.descent.model.onnx.proto.Onnx.TensorProto;
import io.descent.nn.Model;
import io.descent.train.JobConfig;
import io.descent.train.JobData;
import io.descent.train.JobSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolutional models exported and run by ONNX Runtime, against Descent's own forward pass on the same raw rows
 * (within {@link OnnxRuntimeCheck#RELATIVE}): the fashion-mnist-cnn preset's architecture with random weights, and a briefly trained model of odd sizes, several channels, stride 2, same (uneven), explicit and valid
 * padding, overlapping max pooling, average pooling that drops a partial window, and dropout on images.
 */
class ConvOnnxExportTest
{
    /** 3 × 15 × 13 images; the shapes each layer gives are in the comments. */
    static final String ODD = """
        job { name = odd-cnn, seed = 7 }
        data { source = synthetic, scaling = min-max, shape = [3, 15, 13]
               synthetic { kind = teacher, samples = 600, test-samples = 200, features = 585, classes = 4 } }
        model { layers = [
            # 4x8x7: same padding splits 2 rows 1/1 and 1 column 0/1
            { type = conv2d, filters = 4, kernel = [3, 2], stride = 2, padding = same, activation = tanh }
            # 4x7x6: overlapping windows
            { type = max-pool2d, size = 2, stride = 1 }
            # 5x7x6
            { type = conv2d, filters = 5, kernel = 3, padding = 1, activation = leaky-relu }
            # 5x3x2: the last row and column fit no window
            { type = avg-pool2d, size = 3, stride = 2 }
            { type = dropout, rate = 0.2 }
            # 6x2x1: the last column fits no window at stride 2
            { type = conv2d, filters = 6, kernel = [2, 1], stride = [1, 2], padding = valid, activation = identity }
            { type = flatten }
            { type = dense, units = 7, activation = sigmoid }
            { type = dense } ] }
        train { loss = cross-entropy, batch-size = 20, epochs = 1, learning-rate = 0.05 }
        """;

    @TempDir
    Path dir;

    @Test
    void shouldMatchDescentOnTheFashionMnistCnnPresetWithRandomWeights() throws Exception
    {
        // The preset's architecture and scaling on synthetic 28x28 rows (FashionMnistOnnxTest, slow: the real images).
        final JobConfig job = JobConfig.from(JobSource.build("fashion-mnist-cnn", null, List.of(
            "data.source=synthetic", "data.synthetic.kind=teacher", "data.synthetic.features=784",
            "data.synthetic.classes=10", "data.synthetic.samples=100", "data.synthetic.test-samples=200"), null));
        final ModelArtifact artifact = withRandomWeights(job);
        final Path file = dir.resolve("fashion-mnist-cnn.onnx");

        OnnxExport.write(artifact, file);

        final ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(List.of("Sub", "Mul", "Reshape", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten",
            "Gemm", "Relu", "Gemm", "Softmax"), opTypes(model), "dropout is left out");
        assertEquals(List.of(32L, 1L, 3L, 3L), initializer(model, "conv0.W").getDimsList());
        assertEquals(List.of(1L, 1L, 1L, 1L), ints(node(model, "Conv"), "pads"), "same padding, 3x3 at stride 1");
        assertEquals("1x28x28", model.getMetadataPropsList().stream()
            .filter(e -> e.getKey().equals("descent.input_shape")).findFirst().orElseThrow().getValue());
        final float[] raw = OnnxExportTest.rawTest(job, artifact.outputs());
        assertEquals(200 * 784, raw.length);
        final double worst = OnnxRuntimeCheck.assertSameOutputs(file, artifact, raw);
        System.out.printf("fashion-mnist-cnn, random weights: largest relative difference %.3g%n", worst);
    }

    @Test
    void shouldMatchDescentOnATrainedModelOfOddShapes() throws Exception
    {
        final TrainedJob trained = TrainedJob.train(ODD);
        ArtifactStore.write(dir.resolve("model"), trained.artifact());
        final ModelArtifact saved = ArtifactStore.read(dir.resolve("model"));
        final Path file = dir.resolve("odd.onnx");

        OnnxExport.write(saved, file);

        final ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(List.of("Sub", "Mul", "Reshape", "Conv", "Tanh", "MaxPool", "Conv", "LeakyRelu", "AveragePool",
            "Conv", "Flatten", "Gemm", "Sigmoid", "Gemm", "Softmax"), opTypes(model));
        final List<NodeProto> convs = model.getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("Conv")).toList();
        assertEquals(List.of(1L, 0L, 1L, 1L), ints(convs.get(0), "pads"), "top, left, bottom, right");
        assertEquals(List.of(2L, 2L), ints(convs.get(0), "strides"));
        assertEquals(List.of(1L, 1L, 1L, 1L), ints(convs.get(1), "pads"));
        assertEquals(List.of(0L, 0L, 0L, 0L), ints(convs.get(2), "pads"));
        assertEquals(List.of(1L, 2L), ints(convs.get(2), "strides"), "rows, columns");
        assertEquals(List.of(6L, 5L, 2L, 1L), initializer(model, "conv5.W").getDimsList());
        final double worst = OnnxRuntimeCheck.assertSameOutputs(file, saved, OnnxExportTest.rawTest(trained));
        System.out.printf("odd-shaped CNN, trained: largest relative difference %.3g%n", worst);
    }

    /** The job's model with its initial weights plus noise on every parameter (biases too, which start at 0). */
    static ModelArtifact withRandomWeights(final JobConfig job)
    {
        final JobData data = JobData.load(job, 1);
        final float[] weights = Model.create(data.spec(), job.seed()).parameters().toFloatVector();
        final SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < weights.length; i++)
        {
            weights[i] += (float)(0.05 * random.nextGaussian());
        }
        return ModelArtifact.of(job, data.spec(), weights, data.data().train(), data.scaling(), 0);
    }

    private static List<String> opTypes(final ModelProto model)
    {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static NodeProto node(final ModelProto model, final String op)
    {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).findFirst()
            .orElseThrow();
    }

    private static List<Long> ints(final NodeProto node, final String attribute)
    {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(attribute)).findFirst()
            .orElseThrow().getIntsList();
    }

    private static TensorProto initializer(final ModelProto model, final String name)
    {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
            .orElseThrow();
    }
}
