package io.descent.model.onnx;

import io.descent.data.Task;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Shape;
import io.descent.report.AtomicFiles;
import io.descent.model.onnx.proto.Onnx.GraphProto;
import io.descent.model.onnx.proto.Onnx.ModelProto;
import io.descent.model.onnx.proto.Onnx.OperatorSetIdProto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static io.descent.model.onnx.OnnxProtos.entry;
import static io.descent.model.onnx.OnnxProtos.floatMatrix;
import static io.descent.model.onnx.OnnxProtos.node;
import static io.descent.model.onnx.OnnxProtos.vector;

/**
 * A saved model as an ONNX graph (opset {@value #OPSET}), built with the classes protoc generates from the official
 * {@code onnx.proto}. Input {@code features} [batch × inputs]: raw rows, as {@code descent predict} reads them (an
 * image row holds its pixels in CHW order); output {@code output} [batch × outputs], what the model's last layer
 * gives (softmax probabilities, sigmoid probabilities, or regression values).
 *
 * <p>The input scaling is explicit: each scaling stage is a {@code Sub} of the float32 offsets then a {@code Mul} by
 * the float32 factors, the arithmetic Descent applies to a row, so ONNX sees the very inputs Descent's model sees.
 * Each dense layer is a {@code Gemm} (W [inputs × units] row-major, b [units]); a conv2d layer is a {@code Conv}
 * (W [filters, channels, rows, columns], b [filters], explicit pads top, left, bottom, right as Descent pads); max and
 * average pooling are {@code MaxPool} / {@code AveragePool} without padding; before the first image layer a
 * {@code Reshape} makes the rows [batch, C, H, W], and flatten is a {@code Flatten} on axis 1 (CHW order, as
 * Descent's). Each layer's activation follows it ({@code Relu}, {@code LeakyRelu} α = 0.01, {@code Tanh},
 * {@code Sigmoid}, {@code Softmax} on axis 1; none for identity); dropout is the identity at inference and is left
 * out. Every layer Descent has is exported. Stateless.
 */
public final class OnnxExport
{
    /** The operator set the graph uses. */
    public static final int OPSET = 13;
    /** IR version 7 (ONNX 1.7), what opset 13 came with; every runtime of the last years reads it. */
    public static final int IR_VERSION = 7;
    /** Name of the graph's input. */
    public static final String INPUT = "features";
    /** Name of the graph's output. */
    public static final String OUTPUT = "output";

    private OnnxExport()
    {
    }

    /**
     * Writes {@code artifact} as an ONNX model file, atomically.
     *
     * @param artifact the saved model.
     * @param file     the {@code .onnx} file (its directory must exist).
     */
    public static void write(final ModelArtifact artifact, final Path file)
    {
        final byte[] bytes = toModel(artifact).toByteArray();
        AtomicFiles.write(file, path -> Files.write(path, bytes));
    }

    /**
     * @param artifact the saved model.
     * @return its ONNX model.
     */
    public static ModelProto toModel(final ModelArtifact artifact)
    {
        final GraphProto.Builder graph = GraphProto.newBuilder().setName("descent")
            .addInput(floatMatrix(INPUT, artifact.inputs()))
            .addOutput(floatMatrix(OUTPUT, artifact.outputs()));
        final LayerNodes nodes = new LayerNodes(graph, artifact.weights(), scaling(graph, artifact));
        final List<LayerSpec> layers = artifact.spec().layers();
        Shape shape = artifact.spec().input();
        for (int i = 0; i < layers.size(); i++)
        {
            final LayerSpec layer = layers.get(i);
            nodes.add(i, layer, shape, i == layers.size() - 1 ? OUTPUT : null);
            shape = layer.check(shape, "model.layers[" + i + "]");
        }
        if (nodes.parametersTaken() != artifact.weights().length)
        {
            throw new IllegalStateException("the ONNX graph took " + nodes.parametersTaken() + " of the model's " +
                artifact.weights().length + " parameters");
        }
        final Shape input = artifact.spec().input();
        final ModelProto.Builder model = ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName("descent")
            .setDocString("Descent model " + artifact.fingerprint().architecture() + "; input: raw rows of " +
                input.size() + " features" + (input.isImage() ? " (" + input + " images, CHW order)" : "") +
                ", scaling included as Sub/Mul nodes; output: " + (artifact.task() == Task.CLASSIFICATION ?
                "class probabilities" : "regression values"))
            .setGraph(graph)
            .addMetadataProps(entry("descent.fingerprint", artifact.fingerprint().hex()))
            .addMetadataProps(entry("descent.task", artifact.task().name().toLowerCase(Locale.ROOT)))
            .addMetadataProps(entry("descent.input_shape", input.toString()));
        if (artifact.task() == Task.CLASSIFICATION)
        {
            model.addMetadataProps(entry("descent.class_names", String.join("\n", artifact.classNames())));
        }
        return model.build();
    }

    /** Appends the Sub/Mul nodes of the scaling stages; returns the name of the scaled rows. */
    private static String scaling(final GraphProto.Builder graph, final ModelArtifact artifact)
    {
        String current = INPUT;
        int stageIndex = 0;
        for (final Scaler stage : artifact.scaling().stages())
        {
            if (stage.kind() == ScalingKind.NONE)
            {
                continue;
            }
            final String prefix = "scaling" + stageIndex++;
            graph.addInitializer(vector(prefix + ".offset", toFloats(stage.offsets())));
            graph.addInitializer(vector(prefix + ".factor", toFloats(stage.factors())));
            graph.addNode(node("Sub", prefix + ".sub", current, prefix + ".offset").addOutput(prefix + ".centred"));
            graph.addNode(node("Mul", prefix + ".mul", prefix + ".centred", prefix + ".factor")
                .addOutput(prefix + ".scaled"));
            current = prefix + ".scaled";
        }
        return current;
    }

    private static float[] toFloats(final double[] values)
    {
        final float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++)
        {
            floats[i] = (float)values[i];
        }
        return floats;
    }
}
