package io.descent.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.descent.model.artifact.ModelArtifact;
import io.descent.model.use.Predictor;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loads an exported file into ONNX Runtime, runs it on raw rows and compares every output with Descent's prediction
 * for the same rows: {@code |ort - descent| <= 1e-5 * max(|descent|, 1e-3)} (relative, with a floor for outputs near
 * 0, e.g. a class probability of 1e-9, whose relative error says nothing).
 */
final class OnnxRuntimeCheck
{
    static final double RELATIVE = 1e-5;
    static final double FLOOR = 1e-3;

    private OnnxRuntimeCheck()
    {
    }

    /**
     * @return the largest relative difference seen (for values at least {@link #FLOOR} in size).
     */
    static double assertSameOutputs(final Path onnxFile, final ModelArtifact artifact, final float[] rawRows)
        throws Exception
    {
        final int n = rawRows.length / artifact.inputs();
        final float[] descent = new Predictor(artifact).predict(rawRows);
        final float[][] ort = run(onnxFile, rawRows, n, artifact.inputs());
        assertEquals(n, ort.length);
        double worst = 0.0;
        for (int row = 0; row < n; row++)
        {
            assertEquals(artifact.outputs(), ort[row].length);
            for (int j = 0; j < artifact.outputs(); j++)
            {
                final double expected = descent[row * artifact.outputs() + j];
                final double actual = ort[row][j];
                final double scale = Math.max(Math.abs(expected), FLOOR);
                final double relative = Math.abs(actual - expected) / scale;
                worst = Math.max(worst, relative);
                assertTrue(relative <= RELATIVE, "row " + row + " output " + j + ": ONNX Runtime " + actual +
                    ", Descent " + expected);
            }
        }
        return worst;
    }

    private static float[][] run(final Path onnxFile, final float[] rows, final int n, final int inputs)
        throws OrtException, java.io.IOException
    {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            OrtSession session = env.createSession(Files.readAllBytes(onnxFile), options);
            OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(rows), new long[]{ n, inputs });
            OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input)))
        {
            return (float[][])result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
        }
    }
}
