package io.descent.model.use;

import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Runs a saved model on raw rows: scales each row with the artifact's statistics (the float arithmetic of training),
 * then an inference forward pass (no dropout), batch by batch. Outputs are what the model's last layer gives:
 * probabilities for softmax or sigmoid outputs, values for regression. Not thread-safe (owns a model).
 */
public final class Predictor
{
    private static final int BATCH = 1000;

    private final ModelArtifact artifact;
    private final Model model;

    /**
     * @param artifact the saved model.
     */
    public Predictor(final ModelArtifact artifact)
    {
        this.artifact = artifact;
        this.model = artifact.toModel();
    }

    /**
     * @param rows raw feature rows, row-major {@code [n × inputs]} (not modified).
     * @return the outputs, row-major {@code [n × outputs]}.
     */
    public float[] predict(final float[] rows)
    {
        final int inputs = artifact.inputs();
        final int outputs = artifact.outputs();
        final int n = rows.length / inputs;
        final float[] scaled = rows.clone();
        for (int row = 0; row < n; row++)
        {
            artifact.scaling().applyToRow(scaled, row * inputs);
        }
        final float[] result = new float[Math.multiplyExact(n, outputs)];
        for (int from = 0; from < n; from += BATCH)
        {
            final int count = Math.min(BATCH, n - from);
            final INDArray features = Nd4j.create(model.dataType(), count, inputs);
            floats(features).put(scaled, from * inputs, count * inputs);
            final INDArray output = model.predict(features);
            floats(output).get(result, from * outputs, count * outputs);
        }
        return result;
    }

    /**
     * @param outputs one row of outputs.
     * @return the index of its largest value (the first, on ties), as evaluation counts a correct class.
     */
    public static int argMax(final float[] outputs, final int from, final int count)
    {
        int best = 0;
        for (int j = 1; j < count; j++)
        {
            if (outputs[from + j] > outputs[from + best])
            {
                best = j;
            }
        }
        return best;
    }

    private static FloatBuffer floats(final INDArray array)
    {
        final FloatBuffer buffer = array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return buffer.position((int)array.offset());
    }
}
