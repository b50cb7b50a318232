package io.descent.nn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
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
        final ModelSpec spec = new ModelSpec(inputs, layers);
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
        if (!type.equals("dense"))
        {
            throw new BadInputException("unknown layer type '" + type + "' at " + where + ".type; valid: dense, dropout");
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

    private static int missingUnits(final String where)
    {
        throw new BadInputException(where + ".units is missing; only the output layer may leave it out");
    }

    private static Activation defaultOutput(final Loss loss)
    {
        return null == loss.requiredOutput() ? Activation.IDENTITY : loss.requiredOutput();
    }
}
