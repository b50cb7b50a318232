package io.descent.nn;

import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The architecture of a feed-forward model: input width and an ordered list of layers. Immutable.
 *
 * @param inputs width of the input features.
 * @param layers the layers, first to last; the last must be dense.
 */
public record ModelSpec(int inputs, List<LayerSpec> layers)
{
    public ModelSpec
    {
        layers = List.copyOf(layers);
        if (inputs <= 0)
        {
            throw new BadInputException("model input width must be >= 1, got " + inputs);
        }
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof LayerSpec.Dense))
        {
            throw new BadInputException("model.layers must end with a dense output layer");
        }
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
