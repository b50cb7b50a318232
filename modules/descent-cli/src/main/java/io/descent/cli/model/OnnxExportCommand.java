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
        "raw rows (the scaling is in the graph as Sub/Mul nodes), output 'output' [batch x outputs] (probabilities " +
        "or regression values). Dense layers are Gemm; dropout is left out.")
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
