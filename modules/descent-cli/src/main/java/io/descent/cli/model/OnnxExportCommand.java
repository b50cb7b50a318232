package io.descent.cli.model;

import io.descent.model.artifact.ArtifactStore;
import io.descent.model.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code descent export onnx --model DIR --output model.onnx}: a saved model as an ONNX graph (opset 13). */
@Command(
    name = "onnx",
    mixinStandardHelpOptions = true,
    description = "Write a saved model as ONNX (opset " + OnnxExport.OPSET + "): input 'features' [batch x inputs] " +
        "float32, the raw rows 'descent predict' reads (an image row holds its pixels in CHW order, as in training; " +
        "the graph reshapes it to [batch, C, H, W]; the scaling is in the graph as Sub/Mul nodes), output 'output' " +
        "[batch x outputs] (probabilities or regression values). Dense layers are Gemm, conv2d is Conv, max-pool2d " +
        "and avg-pool2d are MaxPool and AveragePool, flatten is Flatten; dropout is left out. The input shape is " +
        "in the metadata as descent.input_shape.")
public final class OnnxExportCommand implements Callable<Integer>
{
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a model saved by --save-model")
    Path model;

    @Option(names = "--output", required = true, paramLabel = "FILE.onnx", description = "the ONNX file to write " +
        "(atomically)")
    Path output;

    @Override
    public Integer call()
    {
        OutputFile.check(output);
        OnnxExport.write(ArtifactStore.read(model), output);
        System.out.printf("ONNX model (opset %d) written to %s%n", OnnxExport.OPSET, output);
        return 0;
    }
}
