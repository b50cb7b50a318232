package io.descent.model.onnx;

import com.google.protobuf.ByteString;
import io.descent.data.Task;
import io.descent.data.scale.Scaler;
import io.descent.data.scale.ScalingKind;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.error.BadInputException;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.report.AtomicFiles;
import io.descent.model.onnx.proto.Onnx.AttributeProto;
import io.descent.model.onnx.proto.Onnx.GraphProto;
import io.descent.model.onnx.proto.Onnx.ModelProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;
import io.descent.model.onnx.proto.Onnx.OperatorSetIdProto;
import io.descent.model.onnx.proto.Onnx.StringStringEntryProto;
import io.descent.model.onnx.proto.Onnx.TensorProto;
import io.descent.model.onnx.proto.Onnx.TensorShapeProto;
import io.descent.model.onnx.proto.Onnx.TypeProto;
import io.descent.model.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A saved model as an ONNX graph (opset {@value #OPSET}), built with the classes protoc generates from the official
 * {@code onnx.proto}. Input {@code features} [batch × inputs], raw rows; output {@code output} [batch × outputs], what
 * the model's last layer gives (softmax probabilities, sigmoid probabilities, or regression values).
 *
 * <p>The input scaling is explicit: each scaling stage is a {@code Sub} of the float32 offsets then a {@code Mul} by
 * the float32 factors, the arithmetic Descent applies to a row, so ONNX sees the very inputs Descent's model sees.
 * Each dense layer is a {@code Gemm} (W [inputs × units] row-major, b [units]) followed by its activation
 * ({@code Relu}, {@code LeakyRelu} α = 0.01, {@code Tanh}, {@code Sigmoid}, {@code Softmax} on axis 1; none for
 * identity); dropout is the identity at inference and is left out. Stateless.
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
     * @throws BadInputException for a model with other than dense and dropout layers.
     */
    public static ModelProto toModel(final ModelArtifact artifact)
    {
        for (int i = 0; i < artifact.spec().layers().size(); i++)
        {
            final LayerSpec layer = artifact.spec().layers().get(i);
            if (!(layer instanceof LayerSpec.Dense) && !(layer instanceof LayerSpec.Dropout))
            {
                throw new BadInputException("export onnx: model.layers[" + i + "] is a " +
                    layer.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " layer; the ONNX export " +
                    "writes dense models only so far (convolutional models: not yet)");
            }
        }
        final GraphProto.Builder graph = GraphProto.newBuilder().setName("descent")
            .addInput(floatMatrix(INPUT, artifact.inputs()))
            .addOutput(floatMatrix(OUTPUT, artifact.outputs()));
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
        final int last = lastDense(artifact);
        int width = artifact.inputs();
        int offset = 0;
        for (int i = 0; i < artifact.spec().layers().size(); i++)
        {
            if (!(artifact.spec().layers().get(i) instanceof LayerSpec.Dense dense))
            {
                continue;
            }
            final String name = "dense" + i;
            final int units = dense.units();
            final float[] weights = new float[width * units];
            System.arraycopy(artifact.weights(), offset, weights, 0, weights.length);
            final float[] bias = new float[units];
            System.arraycopy(artifact.weights(), offset + weights.length, bias, 0, units);
            offset += weights.length + units;
            graph.addInitializer(tensor(name + ".W", weights, width, units));
            graph.addInitializer(vector(name + ".b", bias));
            final boolean activated = dense.activation() != Activation.IDENTITY;
            final String linear = i == last && !activated ? OUTPUT : name + ".linear";
            graph.addNode(node("Gemm", name + ".gemm", current, name + ".W", name + ".b").addOutput(linear));
            current = linear;
            if (activated)
            {
                final String out = i == last ? OUTPUT : name + ".out";
                graph.addNode(activation(dense.activation(), name).addInput(current).addOutput(out));
                current = out;
            }
            width = units;
        }
        final ModelProto.Builder model = ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setProducerName("descent")
            .setDocString("Descent model " + artifact.fingerprint().architecture() + "; input: raw features " +
                "(scaling included as Sub/Mul nodes); output: " + (artifact.task() == Task.CLASSIFICATION ?
                "class probabilities" : "regression values"))
            .setGraph(graph)
            .addMetadataProps(entry("descent.fingerprint", artifact.fingerprint().hex()))
            .addMetadataProps(entry("descent.task", artifact.task().name().toLowerCase()));
        if (artifact.task() == Task.CLASSIFICATION)
        {
            model.addMetadataProps(entry("descent.class_names", String.join("\n", artifact.classNames())));
        }
        return model.build();
    }

    private static int lastDense(final ModelArtifact artifact)
    {
        int last = -1;
        for (int i = 0; i < artifact.spec().layers().size(); i++)
        {
            if (artifact.spec().layers().get(i) instanceof LayerSpec.Dense)
            {
                last = i;
            }
        }
        return last;
    }

    private static NodeProto.Builder activation(final Activation activation, final String name)
    {
        return switch (activation)
        {
            case RELU -> node("Relu", name + ".relu");
            case LEAKY_RELU -> node("LeakyRelu", name + ".leaky_relu").addAttribute(AttributeProto.newBuilder()
                .setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF((float)Activation.LEAKY_SLOPE));
            case TANH -> node("Tanh", name + ".tanh");
            case SIGMOID -> node("Sigmoid", name + ".sigmoid");
            case SOFTMAX -> node("Softmax", name + ".softmax").addAttribute(AttributeProto.newBuilder()
                .setName("axis").setType(AttributeProto.AttributeType.INT).setI(1));
            case IDENTITY -> throw new IllegalArgumentException("identity has no node");
        };
    }

    private static NodeProto.Builder node(final String op, final String name, final String... inputs)
    {
        final NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name);
        for (final String input : inputs)
        {
            node.addInput(input);
        }
        return node;
    }

    private static TensorProto vector(final String name, final float[] values)
    {
        return tensor(name, values, values.length);
    }

    private static TensorProto tensor(final String name, final float[] values, final long... dims)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        final TensorProto.Builder tensor = TensorProto.newBuilder().setName(name)
            .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(bytes.array()));
        for (final long dim : dims)
        {
            tensor.addDims(dim);
        }
        return tensor.build();
    }

    private static ValueInfoProto floatMatrix(final String name, final int columns)
    {
        final TensorShapeProto shape = TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    private static StringStringEntryProto entry(final String key, final String value)
    {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
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
