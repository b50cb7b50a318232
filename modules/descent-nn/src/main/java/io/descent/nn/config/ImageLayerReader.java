package io.descent.nn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;
import io.descent.nn.error.BadInputException;
import io.descent.nn.init.WeightInit;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the image layers of {@code model.layers} ({@code conv2d}, {@code max-pool2d}, {@code avg-pool2d},
 * {@code flatten}) and the input shape {@code data.shape}; see the nn module's reference.conf. Stateless.
 */
final class ImageLayerReader
{
    /** The layer types this reader handles. */
    static final Set<String> TYPES = Set.of("conv2d", "max-pool2d", "avg-pool2d", "flatten");

    private static final Set<String> CONV_KEYS =
        Set.of("type", "filters", "kernel", "stride", "padding", "activation", "init", "bias-init");
    private static final Set<String> POOL_KEYS = Set.of("type", "size", "stride");
    private static final Set<String> FLATTEN_KEYS = Set.of("type");
    private static final int MAX_WINDOW = 1 << 12;

    private ImageLayerReader()
    {
    }

    /**
     * @param type     one of {@link #TYPES}.
     * @param entry    the layer's entry.
     * @param where    its path, e.g. {@code model.layers[0]}.
     * @param init     the model's default weight initialiser.
     * @param biasInit the model's default bias initialiser.
     * @return the layer.
     * @throws BadInputException for unknown keys and bad values, naming the key.
     */
    static LayerSpec layer(
        final String type, final Config entry, final String where, final WeightInit init, final WeightInit biasInit)
    {
        return switch (type)
        {
            case "conv2d" -> conv(entry, where, init, biasInit);
            case "max-pool2d" -> pool(LayerSpec.PoolKind.MAX, entry, where);
            case "avg-pool2d" -> pool(LayerSpec.PoolKind.AVERAGE, entry, where);
            case "flatten" ->
            {
                ConfigChecks.rejectUnknownKeys(entry, FLATTEN_KEYS, where);
                yield new LayerSpec.Flatten();
            }
            default -> throw new IllegalArgumentException("not an image layer: " + type);
        };
    }

    private static LayerSpec conv(
        final Config entry, final String where, final WeightInit init, final WeightInit biasInit)
    {
        ConfigChecks.rejectUnknownKeys(entry, CONV_KEYS, where);
        if (!entry.hasPath("filters"))
        {
            throw new BadInputException(where + ".filters is missing; a conv2d layer needs its output channels, " +
                "e.g. filters = 32");
        }
        if (!entry.hasPath("kernel"))
        {
            throw new BadInputException(where + ".kernel is missing; write kernel = 3 or kernel = [3, 3]");
        }
        final int filters = ConfigChecks.intIn(entry, "filters", where, 1, 1 << 16);
        final int[] kernel = pair(entry, "kernel", where, 1);
        final int[] stride = pair(entry, "stride", where, 1);
        final Activation activation = entry.hasPath("activation") ?
            Activation.fromConfig(entry.getString("activation"), where + ".activation") : Activation.RELU;
        if (activation == Activation.SOFTMAX)
        {
            throw new BadInputException(where + ".activation = softmax is for the dense output layer; use relu, " +
                "leaky-relu, tanh, sigmoid or identity on a conv2d layer");
        }
        return new LayerSpec.Conv2d(filters, kernel[0], kernel[1], stride[0], stride[1], padding(entry, where),
            activation,
            entry.hasPath("init") ? WeightInit.parse(entry.getString("init"), where + ".init") : init,
            entry.hasPath("bias-init") ? WeightInit.parse(entry.getString("bias-init"), where + ".bias-init") : biasInit);
    }

    private static LayerSpec pool(final LayerSpec.PoolKind kind, final Config entry, final String where)
    {
        ConfigChecks.rejectUnknownKeys(entry, POOL_KEYS, where);
        final int size = entry.hasPath("size") ? ConfigChecks.intIn(entry, "size", where, 1, MAX_WINDOW) : 2;
        final int stride = entry.hasPath("stride") ? ConfigChecks.intIn(entry, "stride", where, 1, MAX_WINDOW) : size;
        return new LayerSpec.Pool2d(kind, size, stride);
    }

    private static Padding padding(final Config entry, final String where)
    {
        if (!entry.hasPath("padding"))
        {
            return Padding.VALID;
        }
        if (entry.getValue("padding").valueType() == ConfigValueType.NUMBER)
        {
            return Padding.of(ConfigChecks.intIn(entry, "padding", where, 0, MAX_WINDOW));
        }
        if (entry.getValue("padding").valueType() != ConfigValueType.STRING)
        {
            throw new BadInputException(where + ".padding = " +
                entry.getValue("padding").render(ConfigRenderOptions.concise()) + " is not valid; " +
                "write same, valid or a number of zeros per side, e.g. padding = 1");
        }
        final String text = entry.getString("padding").trim().toLowerCase(Locale.ROOT);
        return switch (text)
        {
            case "same" -> Padding.SAME;
            case "valid" -> Padding.VALID;
            default -> throw new BadInputException(where + ".padding = '" + entry.getString("padding") +
                "' is not valid; write same, valid or a number of zeros per side, e.g. padding = 1");
        };
    }

    /** An int {@code n} (meaning n × n) or a list {@code [rows, columns]}. */
    private static int[] pair(final Config entry, final String key, final String where, final int fallback)
    {
        if (!entry.hasPath(key))
        {
            return new int[]{ fallback, fallback };
        }
        if (entry.getValue(key).valueType() != ConfigValueType.LIST)
        {
            final int value = ConfigChecks.intIn(entry, key, where, 1, MAX_WINDOW);
            return new int[]{ value, value };
        }
        final List<Integer> values = intList(entry, key, where);
        if (values.size() != 2 || values.get(0) < 1 || values.get(1) < 1 || values.get(0) > MAX_WINDOW ||
            values.get(1) > MAX_WINDOW)
        {
            throw new BadInputException(where + "." + key + " = " + values + " must be one integer or two, " +
                "[rows, columns], each 1.." + MAX_WINDOW);
        }
        return new int[]{ values.get(0), values.get(1) };
    }

    private static List<Integer> intList(final Config entry, final String key, final String where)
    {
        try
        {
            return entry.getIntList(key);
        }
        catch (final ConfigException.WrongType ex)
        {
            throw new BadInputException(where + "." + key + " must be integers, got " + entry.getValue(key).render());
        }
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
    static Shape inputShape(final List<Integer> dims, final int features, final String key)
    {
        if (dims.isEmpty())
        {
            return Shape.flat(features);
        }
        if ((dims.size() != 1 && dims.size() != 3) || dims.stream().anyMatch(d -> d < 1))
        {
            throw new BadInputException(key + " = " + dims + " is not a shape; write [channels, height, width] " +
                "with positive sizes, e.g. [1, 28, 28], or [] for flat rows");
        }
        final long values = dims.stream().mapToLong(Integer::longValue).reduce(1L, (a, b) -> a * b);
        if (values != features)
        {
            throw new BadInputException(key + " = " + dims + " holds " + values + " values, but each row of the " +
                "data has " + features + " features; make the sizes multiply to " + features);
        }
        return new Shape(dims);
    }
}
