package io.descent.nn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@link ModelSpec} from the {@code model} section (see the module's reference.conf). The output layer may
 * leave out {@code units} (taken from the data) and {@code activation} (taken from the loss).
 */
public final class ModelSpecReader
{
    private static final Set<String> MODEL_KEYS = Set.of("init", "bias-init", "layers");
    private static final Set<String> DENSE_KEYS = Set.of("type", "units", "activation", "init", "bias-init");
    private static final Set<String> DROPOUT_KEYS = Set.of("type", "rate");

    private ModelSpecReader()
    {
    }

    /**
     * @param model   the {@code model} section, defaults merged.
     * @param prefix  its path for messages, e.g. {@code model}.
     * @param inputs  the data's feature count.
     * @param outputs the data's output count (classes or regression targets).
     * @param loss    the training loss (decides the default output activation).
     * @return the validated spec.
     * @throws BadInputException for unknown keys, bad widths, unknown names, or an output width that does not fit
     *                           the data.
     */
    public static ModelSpec read(
        final Config model, final String prefix, final int inputs, final int outputs, final Loss loss)
    {
        if (inputs <= 0)
        {
            throw new BadInputException("model input width must be >= 1, got " + inputs);
        }
        return read(model, prefix, Shape.flat(inputs), outputs, loss);
    }

    /**
     * Like {@link #read(Config, String, int, int, Loss)} for inputs of a given shape (images for convolutions).
     *
     * @param model   the {@code model} section, defaults merged.
     * @param prefix  its path for messages, e.g. {@code model}.
     * @param input   the shape of one example ({@link #inputShape}).
     * @param outputs the data's output count (classes or regression targets).
     * @param loss    the training loss (decides the default output activation).
     * @return the validated spec.
     * @throws BadInputException for unknown keys, bad values, or layers that do not fit the input or each other.
     */
    public static ModelSpec read(
        final Config model, final String prefix, final Shape input, final int outputs, final Loss loss)
    {
        ConfigChecks.rejectUnknownKeys(model.withoutPath("layers"), MODEL_KEYS, prefix);
        final WeightInit init = WeightInit.parse(model.getString("init"), prefix + ".init");
        final WeightInit biasInit = WeightInit.parse(model.getString("bias-init"), prefix + ".bias-init");
        final List<? extends Config> entries;
        try
        {
            entries = model.getConfigList("layers");
        }
        catch (final ConfigException.WrongType ex)
        {
            throw new BadInputException(prefix + ".layers must be a list of objects like { type = dense, units = 128 }");
        }
        final List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++)
        {
            final boolean last = i == entries.size() - 1;
            layers.add(layer(entries.get(i), prefix + ".layers[" + i + "]", last, outputs, loss, init, biasInit));
        }
        final ModelSpec spec = new ModelSpec(input, layers);
        final Activation required = loss.requiredOutput();
        if (null != required && spec.outputActivation() != required)
        {
            throw new BadInputException("loss " + loss.configName() + " needs output activation " +
                required.configName() + ", but " + prefix + ".layers[" + (layers.size() - 1) + "].activation = " +
                spec.outputActivation().configName() + "; change one of them");
        }
        return spec;
    }

    private static LayerSpec layer(
        final Config entry, final String where, final boolean last, final int outputs, final Loss loss,
        final WeightInit init, final WeightInit biasInit)
    {
        final String type = entry.hasPath("type") ? entry.getString("type").toLowerCase(Locale.ROOT) : "dense";
        if (type.equals("dropout"))
        {
            ConfigChecks.rejectUnknownKeys(entry, DROPOUT_KEYS, where);
            if (last)
            {
                throw new BadInputException(where + " is dropout, but the last layer must be dense");
            }
            return new LayerSpec.Dropout(ConfigChecks.doubleIn(entry, "rate", where, 0.0, false, 0.99));
        }
        if (ImageLayerReader.TYPES.contains(type))
        {
            if (last)
            {
                throw new BadInputException(where + " is " + type + ", but the last layer must be dense");
            }
            return ImageLayerReader.layer(type, entry, where, init, biasInit);
        }
        if (!type.equals("dense"))
        {
            throw new BadInputException("unknown layer type '" + type + "' at " + where + ".type; valid: dense, " +
                "dropout, conv2d, max-pool2d, avg-pool2d, flatten");
        }
        ConfigChecks.rejectUnknownKeys(entry, DENSE_KEYS, where);
        final int units = entry.hasPath("units") ?
            ConfigChecks.intIn(entry, "units", where, 1, Integer.MAX_VALUE) : last ? outputs : missingUnits(where);
        if (last && units != outputs)
        {
            throw new BadInputException(where + ".units = " + units + " but the data has " + outputs +
                " outputs (classes or targets); set it to " + outputs + " or leave it out");
        }
        final Activation activation = entry.hasPath("activation") ?
            Activation.fromConfig(entry.getString("activation"), where + ".activation") :
            last ? defaultOutput(loss) : Activation.RELU;
        return new LayerSpec.Dense(
            units,
            activation,
            entry.hasPath("init") ? WeightInit.parse(entry.getString("init"), where + ".init") : init,
            entry.hasPath("bias-init") ? WeightInit.parse(entry.getString("bias-init"), where + ".bias-init") : biasInit);
    }

    /**
     * The input shape of a model from {@code data.shape}.
     *
     * @param dims     the declared shape: empty (flat rows), [n] or [channels, height, width].
     * @param features values per row of the data.
     * @param key      the key it came from, e.g. {@code data.shape}.
     * @return the shape.
     * @throws BadInputException when the shape is malformed or does not hold exactly {@code features} values.
     */
    public static Shape inputShape(final List<Integer> dims, final int features, final String key)
    {
        return ImageLayerReader.inputShape(dims, features, key);
    }

    private static int missingUnits(final String where)
    {
        throw new BadInputException(where + ".units is missing; only the output layer may leave it out");
    }

    private static Activation defaultOutput(final Loss loss)
    {
        return null == loss.requiredOutput() ? Activation.IDENTITY : loss.requiredOutput();
    }
}
