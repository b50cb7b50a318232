package io.descent.data.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.descent.nn.error.BadInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Typed, validated reads from a config section; every problem becomes a one-line {@link BadInputException} naming
 * the full key (e.g. {@code data.validation-fraction}), the bad value and what is allowed. Immutable.
 */
public final class SettingsReader
{
    private final Config config;
    private final String prefix;

    /**
     * @param config the section to read.
     * @param prefix the section's path as the user writes it, e.g. {@code "data"}, for messages.
     */
    public SettingsReader(final Config config, final String prefix)
    {
        this.config = config;
        this.prefix = prefix;
    }

    /**
     * @param key a relative key such as {@code csv}.
     * @return a reader of that sub-section.
     */
    public SettingsReader section(final String key)
    {
        return new SettingsReader(read(key, () -> config.getConfig(key), "a section { ... }"), full(key));
    }

    /**
     * @param key a relative key.
     * @return the full key for messages, e.g. {@code data.csv.path}.
     */
    public String full(final String key)
    {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /**
     * @param key a relative key.
     * @return the string value.
     */
    public String string(final String key)
    {
        return read(key, () -> config.getString(key), "a string");
    }

    /**
     * @param key a relative key whose value is a string or a list of strings.
     * @return the non-blank strings, trimmed; a single string may also hold a comma-separated list.
     */
    public List<String> stringOrList(final String key)
    {
        final List<String> values = config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.LIST ?
            read(key, () -> config.getStringList(key), "a string or a list of strings") :
            Arrays.asList(string(key).split(","));
        return values.stream().map(String::trim).filter((s) -> !s.isEmpty()).collect(Collectors.toList());
    }

    /**
     * @param key a relative key.
     * @return the boolean value ({@code true}/{@code false}, also {@code yes}/{@code no}, {@code on}/{@code off}).
     */
    public boolean bool(final String key)
    {
        return read(key, () -> config.getBoolean(key), "true or false");
    }

    /**
     * @param key a relative key.
     * @param min the smallest allowed value.
     * @return the value.
     */
    public int intAtLeast(final String key, final int min)
    {
        final int value = read(key, () -> config.getInt(key), "an integer");
        if (value < min)
        {
            throw new BadInputException(full(key) + " = " + value + " is out of range; it must be >= " + min);
        }
        return value;
    }

    /**
     * @param key a relative key.
     * @return the value, which must be finite.
     */
    public double finiteDouble(final String key)
    {
        final double value = read(key, () -> config.getDouble(key), "a number");
        if (!Double.isFinite(value))
        {
            throw new BadInputException(full(key) + " = " + value + " must be a finite number");
        }
        return value;
    }

    /**
     * @param key a relative key.
     * @param min the smallest allowed value.
     * @return the value.
     */
    public double doubleAtLeast(final String key, final double min)
    {
        final double value = finiteDouble(key);
        if (value < min)
        {
            throw new BadInputException(full(key) + " = " + value + " is out of range; it must be >= " + min);
        }
        return value;
    }

    /**
     * @param key a relative key.
     * @return the value, which must lie strictly between 0 and 1.
     */
    public double fraction(final String key)
    {
        final double value = finiteDouble(key);
        if (!(value > 0.0 && value < 1.0))
        {
            throw new BadInputException(
                full(key) + " = " + value + " is out of range; it must be a fraction in (0, 1), e.g. 0.1");
        }
        return value;
    }

    /**
     * @param key a relative key.
     * @return the numbers of a list value.
     */
    public double[] doubleList(final String key)
    {
        return read(key, () -> config.getDoubleList(key), "a list of numbers").stream()
            .mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * @param key a relative key.
     * @return the integers of a list value.
     */
    public List<Integer> intList(final String key)
    {
        return List.copyOf(read(key, () -> config.getIntList(key), "a list of integers"));
    }

    /**
     * @param key  a relative key.
     * @param type the enum; config spells constants in lower case with '-' for '_' (e.g. {@code min-max}).
     * @param <E>  the enum type.
     * @return the constant.
     */
    public <E extends Enum<E>> E enumValue(final String key, final Class<E> type)
    {
        final String text = string(key).trim();
        for (final E constant : type.getEnumConstants())
        {
            if (configName(constant).equals(text.toLowerCase(Locale.ROOT)))
            {
                return constant;
            }
        }
        throw new BadInputException(
            full(key) + " = '" + text + "' is not valid; valid values: " +
            Arrays.stream(type.getEnumConstants()).map(SettingsReader::configName).collect(Collectors.joining(", ")));
    }

    /**
     * @param constant an enum constant.
     * @return its configuration spelling, e.g. {@code fashion-mnist} for {@code FASHION_MNIST}.
     */
    public static String configName(final Enum<?> constant)
    {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private <T> T read(final String key, final Reader<T> reader, final String expected)
    {
        try
        {
            return reader.read();
        }
        catch (final ConfigException.Missing ex)
        {
            throw new BadInputException("missing setting " + full(key) + "; it must be " + expected, ex);
        }
        catch (final ConfigException ex)
        {
            final String actual = config.hasPath(key) ? config.getValue(key).render() : "null";
            throw new BadInputException(full(key) + " = " + actual + " is not valid; it must be " + expected, ex);
        }
    }

    @FunctionalInterface
    private interface Reader<T>
    {
        T read();
    }
}
