package io.descent.model.onnx;

import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;
import io.descent.model.onnx.proto.Onnx.GraphProto;
import io.descent.model.onnx.proto.Onnx.NodeProto;

import java.util.Locale;

import static io.descent.model.onnx.OnnxProtos.floats;
import static io.descent.model.onnx.OnnxProtos.ints;
import static io.descent.model.onnx.OnnxProtos.integer;
import static io.descent.model.onnx.OnnxProtos.longs;
import static io.descent.model.onnx.OnnxProtos.node;
import static io.descent.model.onnx.OnnxProtos.real;
import static io.descent.model.onnx.OnnxProtos.vector;

/**
 * Appends the nodes of a model's layers to an ONNX graph, first to last, taking each layer's parameters from the flat
 * weight vector in the order the model binds them. It keeps the name of the tensor the next node reads and whether
 * that tensor is a batch of rows [N, n] or of images [N, C, H, W]: a convolution or pooling layer that meets rows
 * first reshapes them to NCHW (a row holds an image in CHW order), a flatten that meets images makes rows again.
 * Mutable; one export, one thread.
 */
final class LayerNodes
{
    private final GraphProto.Builder graph;
    private final float[] weights;
    private String current;
    private boolean images;
    private int offset;

    /**
     * @param graph   the graph to append to.
     * @param weights the model's flat parameter vector (read, not modified).
     * @param input   the name of the tensor of [N, inputs] rows the first layer reads.
     */
    LayerNodes(final GraphProto.Builder graph, final float[] weights, final String input)
    {
        this.graph = graph;
        this.weights = weights;
        this.current = input;
    }

    /**
     * Appends one layer's nodes.
     *
     * @param index  the layer's place in {@code model.layers}, for node names.
     * @param layer  the layer.
     * @param input  the shape of one example at its input.
     * @param output the name its result must have (the graph's output for the last layer), or null for any.
     */
    void add(final int index, final LayerSpec layer, final Shape input, final String output)
    {
        if (layer instanceof LayerSpec.Dense dense)
        {
            dense("dense" + index, dense, input.size(), output);
        }
        else if (layer instanceof LayerSpec.Conv2d conv)
        {
            conv("conv" + index, conv, input, output);
        }
        else if (layer instanceof LayerSpec.Pool2d pool)
        {
            pool("pool" + index, pool, input, output);
        }
        else if (layer instanceof LayerSpec.Flatten && images)
        {
            emit(node("Flatten", "flatten" + index, current).addAttribute(integer("axis", 1)), output,
                "flatten" + index + ".out");
            images = false;
        }
        else if (!(layer instanceof LayerSpec.Dropout) && !(layer instanceof LayerSpec.Flatten))
        {
            throw new IllegalStateException("no ONNX nodes for " + layer);
        }
    }

    /** @return parameters taken so far: the whole vector's length once every layer is added. */
    int parametersTaken()
    {
        return offset;
    }

    private void dense(final String name, final LayerSpec.Dense dense, final int inputs, final String output)
    {
        graph.addInitializer(floats(name + ".W", take(inputs * dense.units()), inputs, dense.units()));
        graph.addInitializer(vector(name + ".b", take(dense.units())));
        final NodeProto.Builder gemm = node("Gemm", name + ".gemm", current, name + ".W", name + ".b");
        activated(name, gemm, dense.activation(), output);
    }

    private void conv(final String name, final LayerSpec.Conv2d conv, final Shape input, final String output)
    {
        toImages(name, input);
        final int kh = conv.kernelHeight();
        final int kw = conv.kernelWidth();
        final int sh = conv.strideHeight();
        final int sw = conv.strideWidth();
        final Padding padding = conv.padding();
        graph.addInitializer(floats(name + ".W", take(conv.filters() * input.channels() * kh * kw),
            conv.filters(), input.channels(), kh, kw));
        graph.addInitializer(vector(name + ".b", take(conv.filters())));
        final NodeProto.Builder node = node("Conv", name + ".conv", current, name + ".W", name + ".b")
            .addAttribute(ints("kernel_shape", kh, kw))
            .addAttribute(ints("strides", sh, sw))
            .addAttribute(ints("pads", padding.before(input.height(), kh, sh), padding.before(input.width(), kw, sw),
                padding.after(input.height(), kh, sh), padding.after(input.width(), kw, sw)));
        activated(name, node, conv.activation(), output);
    }

    /** Pooling never pads, so AveragePool's count_include_pad does not arise; ceil_mode 0 drops partial windows. */
    private void pool(final String name, final LayerSpec.Pool2d pool, final Shape input, final String output)
    {
        toImages(name, input);
        final String op = pool.kind() == LayerSpec.PoolKind.MAX ? "MaxPool" : "AveragePool";
        emit(node(op, name + "." + op.toLowerCase(Locale.ROOT), current)
            .addAttribute(ints("kernel_shape", pool.size(), pool.size()))
            .addAttribute(ints("strides", pool.stride(), pool.stride())), output, name + ".out");
    }

    private void toImages(final String name, final Shape input)
    {
        if (images)
        {
            return;
        }
        graph.addInitializer(longs(name + ".shape", -1, input.channels(), input.height(), input.width()));
        emit(node("Reshape", name + ".reshape", current, name + ".shape"), null, name + ".images");
        images = true;
    }

    private void activated(final String name, final NodeProto.Builder linear, final Activation activation,
        final String output)
    {
        if (activation == Activation.IDENTITY)
        {
            emit(linear, output, name + ".linear");
            return;
        }
        emit(linear, null, name + ".linear");
        emit(activation(activation, name), output, name + ".out");
    }

    private static NodeProto.Builder activation(final Activation activation, final String name)
    {
        return switch (activation)
        {
            case RELU -> node("Relu", name + ".relu");
            case LEAKY_RELU -> node("LeakyRelu", name + ".leaky_relu")
                .addAttribute(real("alpha", (float)Activation.LEAKY_SLOPE));
            case TANH -> node("Tanh", name + ".tanh");
            case SIGMOID -> node("Sigmoid", name + ".sigmoid");
            case SOFTMAX -> node("Softmax", name + ".softmax").addAttribute(integer("axis", 1));
            case IDENTITY -> throw new IllegalArgumentException("identity has no node");
        };
    }

    /** Adds {@code node} reading the current tensor (if it has no input yet) and makes its output the current one. */
    private void emit(final NodeProto.Builder node, final String output, final String fallback)
    {
        if (node.getInputCount() == 0)
        {
            node.addInput(current);
        }
        current = null == output ? fallback : output;
        graph.addNode(node.addOutput(current));
    }

    private float[] take(final int count)
    {
        final float[] values = new float[count];
        System.arraycopy(weights, offset, values, 0, count);
        offset += count;
        return values;
    }
}
