package io.descent.nn;

import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a feed-forward model: the shape of an input example and an ordered list of layers, checked to
 * fit each other. Immutable.
 *
 * @param input  the shape of one example: flat, or an image [channels, height, width] for convolutions.
 * @param layers the layers, first to last; the last must be dense.
 */
public record ModelSpec(Shape input, List<LayerSpec> layers)
{
    /**
     * @throws BadInputException when the layers do not end with a dense layer, or a layer does not take its
     *                           predecessor's output (one line naming the layer and the sizes).
     */
    public ModelSpec
    {
        layers = List.copyOf(layers);
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof LayerSpec.Dense))
        {
            throw new BadInputException("model.layers must end with a dense output layer");
        }
        Shape shape = input;
        for (int i = 0; i < layers.size(); i++)
        {
            shape = layers.get(i).check(shape, "model.layers[" + i + "]");
        }
    }

    /**
     * A model on flat inputs.
     *
     * @param inputs width of the input features, >= 1.
     * @param layers the layers, first to last; the last must be dense.
     */
    public ModelSpec(final int inputs, final List<LayerSpec> layers)
    {
        this(flat(inputs), layers);
    }

    private static Shape flat(final int inputs)
    {
        if (inputs <= 0)
        {
            throw new BadInputException("model input width must be >= 1, got " + inputs);
        }
        return Shape.flat(inputs);
    }

    /** @return the number of input values of one example. */
    public int inputs()
    {
        return input.size();
    }

    /** @return width of the output layer. */
    public int outputs()
    {
        return ((LayerSpec.Dense)layers.get(layers.size() - 1)).units();
    }

    /** @return the output layer's activation. */
    public Activation outputActivation()
    {
        return ((LayerSpec.Dense)layers.get(layers.size() - 1)).activation();
    }

    /**
     * A plain MLP such as {@code 784-512-256-10}: ReLU hidden layers, softmax output, He-normal weights, zero biases.
     *
     * @param widths input width, hidden widths, output width.
     * @return the spec.
     */
    public static ModelSpec mlp(final int... widths)
    {
        if (widths.length < 2)
        {
            throw new BadInputException("an MLP needs at least an input and an output width, e.g. 784-512-256-10");
        }
        final WeightInit he = new WeightInit(WeightInit.Kind.HE_NORMAL, 0.0);
        final List<LayerSpec> layers = new ArrayList<>();
        for (int i = 1; i < widths.length; i++)
        {
            final Activation activation = i == widths.length - 1 ? Activation.SOFTMAX : Activation.RELU;
            layers.add(new LayerSpec.Dense(widths[i], activation, he, WeightInit.ZEROS));
        }
        return new ModelSpec(widths[0], layers);
    }

    /**
     * Parses the compact form {@code 784-512-256-10}.
     *
     * @param text the widths joined by '-'.
     * @return {@link #mlp(int...)} of those widths.
     * @throws BadInputException when a width is not a positive integer.
     */
    public static ModelSpec parseMlp(final String text)
    {
        final String[] parts = text.trim().split("-");
        final int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            try
            {
                widths[i] = Integer.parseInt(parts[i].trim());
            }
            catch (final NumberFormatException ex)
            {
                widths[i] = -1;
            }
            if (widths[i] <= 0)
            {
                throw new BadInputException("model '" + text + "': width '" + parts[i] +
                    "' is not a positive integer; write widths joined by '-', e.g. 784-512-256-10");
            }
        }
        return mlp(widths);
    }
}
