package io.descent.bench;

import io.descent.nn.Model;
import io.descent.nn.layer.Layer;
import io.descent.nn.layer.LayerBuffers;
import io.descent.nn.layer.LayerPass;
import io.descent.nn.loss.Loss;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times a model's training step layer by layer: the layers' own passes bound to a separate set of buffers (as the
 * model binds them), each forward and backward call timed on its own, best of the measured steps. FLOPs count the
 * layer's products: forward 2 × multiply-adds per example, backward 4 × (weight and input gradients) or 2 × for the
 * first layer (no input gradient). Confined to the calling thread.
 */
final class LayerProfile
{
    /** One layer's best times and the GFLOP/s they give (0 for a layer without a product). */
    record Row(String layer, double forwardMs, double backwardMs, double forwardGflops, double backwardGflops)
    {
        Map<String, Object> toJson()
        {
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("layer", layer);
            json.put("forward_ms", forwardMs);
            json.put("backward_ms", backwardMs);
            json.put("forward_gflops", forwardGflops);
            json.put("backward_gflops", backwardGflops);
            return json;
        }
    }

    private LayerProfile()
    {
    }

    /**
     * @param model    the model whose layers (and parameters) are timed; its gradients are overwritten.
     * @param features [batch × inputs].
     * @param targets  [batch × outputs].
     * @param loss     the training loss.
     * @param steps    measured steps (after 3 warm-up steps).
     * @return one row per layer, first to last.
     */
    static List<Row> measure(final Model model, final INDArray features, final INDArray targets, final Loss loss,
        final int steps)
    {
        final List<Layer> layers = model.layers();
        final int count = layers.size();
        final int batch = (int)features.rows();
        final LayerBuffers[] buffers = new LayerBuffers[count];
        final LayerPass[] passes = new LayerPass[count];
        for (int i = 0; i < count; i++)
        {
            buffers[i] = layers.get(i).allocate(batch, model.dataType());
            passes[i] = 0 == i ? layers.get(0).prepare(features, buffers[0], null) :
                layers.get(i).prepare(buffers[i - 1].output(), buffers[i], buffers[i - 1].delta());
        }
        final long[] forward = new long[count];
        final long[] backward = new long[count];
        Arrays.fill(forward, Long.MAX_VALUE);
        Arrays.fill(backward, Long.MAX_VALUE);
        final LayerBuffers out = buffers[count - 1];
        for (int step = -3; step < steps; step++)
        {
            final boolean measured = step >= 0;
            for (int i = 0; i < count; i++)
            {
                final long start = System.nanoTime();
                passes[i].forward(true);
                final long took = System.nanoTime() - start;
                forward[i] = measured ? Math.min(forward[i], took) : forward[i];
            }
            loss.valueAndGradient(out.output(), targets, out.delta());
            for (int i = count - 1; i >= 0; i--)
            {
                final long start = System.nanoTime();
                passes[i].backward(loss.fusesWithOutput() && i == count - 1);
                final long took = System.nanoTime() - start;
                backward[i] = measured ? Math.min(backward[i], took) : backward[i];
            }
        }
        final List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            passes[i].close();
            final double macs = (double)layers.get(i).multiplyAdds() * batch;
            final double backwardFlops = (0 == i ? 2.0 : 4.0) * macs;
            rows.add(new Row(layers.get(i).describe(), forward[i] / 1e6, backward[i] / 1e6,
                2.0 * macs / forward[i], backwardFlops / backward[i]));
        }
        return rows;
    }
}
