package io.descent.nn;

import io.descent.nn.layer.ImageLayout;
import io.descent.nn.layer.Layer;
import io.descent.nn.layer.LayerBuffers;
import io.descent.nn.layer.LayerPass;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A feed-forward model that owns one contiguous parameter vector and one gradient vector of the same length; each
 * layer's weights and biases are views into them. Activations are preallocated per batch size on first use and the
 * layers' ops bound to them ({@link LayerPass}), so a training step allocates nothing, native or JavaCPP, once each
 * batch size has been seen with its features array: a step on the same array as before reuses everything; another
 * array of a seen size rebinds the first layer only. At construction the layers choose how their images lie in their
 * rows ({@link Layer#arrange}: channels-last on the oneDNN build) and may hand their activation to the next layer
 * ({@link Layer#leaveActivationTo}: a ReLU into the max pool after it); neither changes the parameters or the results
 * beyond float rounding ({@link #createAsWritten} computes without them).
 *
 * <p>Not thread-safe: use a model from one thread (ND4J arrays and workspaces are per thread).
 */
public final class Model
{
    private final ModelSpec spec;
    private final DataType dataType;
    private final List<Layer> layers;
    private final INDArray parameters;
    private final INDArray gradients;
    private final Fingerprint fingerprint;
    private final Map<Integer, BatchPlan> plans = new HashMap<>();

    private Model(final ModelSpec spec, final DataType dataType, final boolean arranged)
    {
        this.spec = spec;
        this.dataType = dataType;
        this.layers = new ArrayList<>();
        final StringBuilder architecture = new StringBuilder().append(spec.input());
        Shape shape = spec.input();
        long count = 0;
        for (int i = 0; i < spec.layers().size(); i++)
        {
            final Layer layer = spec.layers().get(i).build(shape, "model.layers[" + i + "]");
            layers.add(layer);
            architecture.append('>').append(layer.describe());
            count += layer.parameterCount();
            shape = layer.outputShape();
        }
        ImageLayout layout = ImageLayout.CHW;
        for (int i = 0; arranged && i < layers.size(); i++)
        {
            layout = layers.get(i).arrange(layout);
        }
        for (int i = 1; arranged && i < layers.size(); i++)
        {
            layers.get(i - 1).leaveActivationTo(layers.get(i));
        }
        this.parameters = Nd4j.create(dataType, count);
        this.gradients = Nd4j.create(dataType, count);
        long offset = 0;
        for (final Layer layer : layers)
        {
            layer.bind(parameters, gradients, offset);
            offset += layer.parameterCount();
        }
        this.fingerprint = Fingerprint.of(architecture.toString(), count);
    }

    /**
     * Builds a float32 model and initialises it from {@code seed}.
     *
     * @param spec the architecture.
     * @param seed seed for the initial weights and the dropout masks.
     * @return the model.
     */
    public static Model create(final ModelSpec spec, final long seed)
    {
        return create(spec, DataType.FLOAT, seed);
    }

    /**
     * Builds a model of the given element type (DOUBLE is for gradient checks) and initialises it.
     *
     * @param spec     the architecture.
     * @param dataType FLOAT or DOUBLE.
     * @param seed     seed for the initial weights and the dropout masks.
     * @return the model.
     */
    public static Model create(final ModelSpec spec, final DataType dataType, final long seed)
    {
        final Model model = new Model(spec, dataType, true);
        model.initialize(seed);
        return model;
    }

    /**
     * The same model computed as written: every image layer's activations in CHW rows, whatever its layers would
     * choose ({@link Layer#arrange}), and every layer applying its own activation ({@link Layer#leaveActivationTo}):
     * the same parameters and results up to float rounding, for comparisons.
     *
     * @param spec     the architecture.
     * @param dataType FLOAT or DOUBLE.
     * @param seed     seed for the initial weights and the dropout masks.
     * @return the model.
     */
    static Model createAsWritten(final ModelSpec spec, final DataType dataType, final long seed)
    {
        final Model model = new Model(spec, dataType, false);
        model.initialize(seed);
        return model;
    }

    /**
     * Draws all parameters again from {@code seed} (layer by layer, weights then biases) and reseeds dropout.
     *
     * @param seed the seed.
     */
    public void initialize(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (final Layer layer : layers)
        {
            layer.initialize(random);
        }
        seedNoise(random.nextLong());
    }

    /**
     * Reseeds the training noise (dropout masks) without touching the parameters.
     *
     * @param seed the seed.
     */
    public void seedNoise(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (final Layer layer : layers)
        {
            layer.seedNoise(random.nextLong());
        }
    }

    /**
     * One forward and backward pass over a minibatch in training mode. Writes the gradient of the mean loss into
     * {@link #gradients()} (overwriting it) and returns the mean loss.
     *
     * @param features [batch × inputs]; with an image input, each row one image in CHW order (the batch is NCHW).
     * @param targets  [batch × outputs].
     * @param loss     the loss; a fused loss (cross-entropy, binary cross-entropy) needs its output activation.
     * @return the loss of the batch, before the update.
     */
    public double computeGradients(final INDArray features, final INDArray targets, final Loss loss)
    {
        final BatchPlan plan = planFor(checkBatch(features, targets), features);
        plan.forward(true);
        final int last = layers.size() - 1;
        final LayerBuffers out = plan.buffers[last];
        final double value = loss.valueAndGradient(out.output(), targets, out.delta());
        final boolean fused = loss.fusesWithOutput();
        for (int i = last; i >= 0; i--)
        {
            plan.passes[i].backward(fused && i == last);
        }
        return value;
    }

    /**
     * Inference forward pass (no dropout).
     *
     * @param features [batch × inputs].
     * @return [batch × outputs], a preallocated array owned by the model: valid until the next call with the same
     *         batch size.
     */
    public INDArray predict(final INDArray features)
    {
        final BatchPlan plan = planFor((int)features.rows(), features);
        plan.forward(false);
        return plan.buffers[layers.size() - 1].output();
    }

    /**
     * Mean loss of a batch in inference mode.
     *
     * @param features [batch × inputs].
     * @param targets  [batch × outputs].
     * @param loss     the loss.
     * @return the mean loss.
     */
    public double evaluateLoss(final INDArray features, final INDArray targets, final Loss loss)
    {
        checkBatch(features, targets);
        return loss.value(predict(features), targets);
    }

    /**
     * The plan of a batch size, bound to {@code features}. The model keeps a reference to the last features array of
     * each batch size (the array the first layer's ops are bound to).
     */
    private BatchPlan planFor(final int batch, final INDArray features)
    {
        final BatchPlan plan = plans.computeIfAbsent(batch, this::newPlan);
        if (plan.input != features)
        {
            plan.bindInput(features);
        }
        return plan;
    }

    private BatchPlan newPlan(final int batch)
    {
        final int count = layers.size();
        final LayerBuffers[] buffers = new LayerBuffers[count];
        for (int i = 0; i < count; i++)
        {
            buffers[i] = layers.get(i).allocate(batch, dataType);
        }
        final LayerPass[] passes = new LayerPass[count];
        for (int i = 1; i < count; i++)
        {
            passes[i] = layers.get(i).prepare(buffers[i - 1].output(), buffers[i], buffers[i - 1].delta());
        }
        return new BatchPlan(buffers, passes);
    }

    /** The arrays and bound passes of every layer for one batch size, and the features array layer 0 is bound to. */
    private final class BatchPlan
    {
        private final LayerBuffers[] buffers;
        private final LayerPass[] passes;
        private INDArray input;

        BatchPlan(final LayerBuffers[] buffers, final LayerPass[] passes)
        {
            this.buffers = buffers;
            this.passes = passes;
        }

        void bindInput(final INDArray features)
        {
            if (null != passes[0])
            {
                passes[0].close();
            }
            passes[0] = layers.get(0).prepare(features, buffers[0], null);
            input = features;
        }

        void forward(final boolean training)
        {
            for (final LayerPass pass : passes)
            {
                pass.forward(training);
            }
        }
    }

    private int checkBatch(final INDArray features, final INDArray targets)
    {
        if (features.rank() != 2 || features.columns() != spec.inputs())
        {
            throw new IllegalArgumentException("features must be [batch x " + spec.inputs() + "], got " +
                java.util.Arrays.toString(features.shape()));
        }
        if (targets.rank() != 2 || targets.rows() != features.rows() || targets.columns() != spec.outputs())
        {
            throw new IllegalArgumentException("targets must be [" + features.rows() + " x " + spec.outputs() +
                "], got " + java.util.Arrays.toString(targets.shape()));
        }
        return (int)features.rows();
    }

    /** @return the flat parameter vector (length {@link #parameterCount()}); layers hold views into it. */
    public INDArray parameters()
    {
        return parameters;
    }

    /** @return the flat gradient vector, same length and layout as {@link #parameters()}. */
    public INDArray gradients()
    {
        return gradients;
    }

    /** @return number of parameters. */
    public long parameterCount()
    {
        return parameters.length();
    }

    /** @return architecture + parameter count identity. */
    public Fingerprint fingerprint()
    {
        return fingerprint;
    }

    /** @return the architecture. */
    public ModelSpec spec()
    {
        return spec;
    }

    /** @return the element type of the buffers. */
    public DataType dataType()
    {
        return dataType;
    }

    /** @return the layers, first to last (read-only). */
    public List<Layer> layers()
    {
        return List.copyOf(layers);
    }
}
