package io.descent.model.onnx;

import com.google.protobuf.ByteString;
import io.descent.model.onnx.proto.Onnx.AttributeProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;
import io.descent.model.onnx.proto.Onnx.StringStringEntryProto;
import io.descent.model.onnx.proto.Onnx.TensorProto;
import io.descent.model.onnx.proto.Onnx.TensorShapeProto;
import io.descent.model.onnx.proto.Onnx.TypeProto;
import io.descent.model.onnx.proto.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** The protobuf pieces an exported graph is made of: nodes, attributes, initialiser tensors, value infos. Stateless. */
final class OnnxProtos
{
    private OnnxProtos()
    {
    }

    /**
     * @param op     the operator, e.g. {@code Gemm}.
     * @param name   the node's name.
     * @param inputs the names of its inputs, in the operator's order.
     * @return the node, its outputs and attributes still to add.
     */
    static NodeProto.Builder node(final String op, final String name, final String... inputs)
    {
        final NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name);
        for (final String input : inputs)
        {
            node.addInput(input);
        }
        return node;
    }

    /** @return an attribute holding a list of ints, e.g. {@code kernel_shape}. */
    static AttributeProto ints(final String name, final long... values)
    {
        final AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
            .setType(AttributeProto.AttributeType.INTS);
        for (final long value : values)
        {
            attribute.addInts(value);
        }
        return attribute.build();
    }

    /** @return an attribute holding one int, e.g. {@code axis}. */
    static AttributeProto integer(final String name, final long value)
    {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** @return an attribute holding one float, e.g. {@code alpha}. */
    static AttributeProto real(final String name, final float value)
    {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
            .build();
    }

    /** @return a float32 vector initialiser. */
    static TensorProto vector(final String name, final float[] values)
    {
        return floats(name, values, values.length);
    }

    /**
     * @param name   the initialiser's name.
     * @param values the values, row-major in {@code dims}.
     * @param dims   the tensor's dimensions.
     * @return a float32 initialiser (raw little-endian data).
     */
    static TensorProto floats(final String name, final float[] values, final long... dims)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(bytes.array())).addAllDims(boxed(dims)).build();
    }

    /** @return an int64 vector initialiser, e.g. the target shape of a {@code Reshape}. */
    static TensorProto longs(final String name, final long... values)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
            .setRawData(ByteString.copyFrom(bytes.array())).addDims(values.length).build();
    }

    /** @return a float32 [batch × columns] graph input or output, the batch dimension symbolic. */
    static ValueInfoProto floatMatrix(final String name, final int columns)
    {
        final TensorShapeProto shape = TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** @return a metadata entry. */
    static StringStringEntryProto entry(final String key, final String value)
    {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static List<Long> boxed(final long[] dims)
    {
        return Arrays.stream(dims).boxed().toList();
    }
}
