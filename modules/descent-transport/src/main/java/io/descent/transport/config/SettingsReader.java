package io.descent.transport.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.agrona.BitUtil;

import java.time.Duration;
import java.util.Locale;

/**
 * Reads and validates one section of the HOCON tree, throwing {@link InvalidSettingException} naming the full key,
 * the value and the allowed range. Used once at start-up; not for hot paths. Not thread-safe (no need).
 */
final class SettingsReader
{
    private final Config config;
    private final String path;

    SettingsReader(final Config root, final String path)
    {
        this.path = path;
        try
        {
            this.config = root.getConfig(path);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(path, path + " is missing or not an object: " + ex.getMessage(), ex);
        }
    }

    String key(final String name)
    {
        return path + "." + name;
    }

    String string(final String name)
    {
        try
        {
            return config.getString(name);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(key(name), key(name) + ": " + ex.getMessage(), ex);
        }
    }

    boolean bool(final String name)
    {
        try
        {
            return config.getBoolean(name);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(key(name), key(name) + ": " + ex.getMessage(), ex);
        }
    }

    int intInRange(final String name, final int min, final int max)
    {
        final int value;
        try
        {
            value = config.getInt(name);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(key(name), key(name) + ": " + ex.getMessage(), ex);
        }
        if (value < min || value > max)
        {
            throw new InvalidSettingException(key(name), value, "between " + min + " and " + max);
        }
        return value;
    }

    int bytes(final String name, final long min, final long max)
    {
        final long value;
        try
        {
            value = config.getBytes(name);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(
                key(name), key(name) + " = " + raw(name) + " is not a size (e.g. 64k, 16m): " + ex.getMessage(), ex);
        }
        if (value < min || value > max)
        {
            throw new InvalidSettingException(
                key(name), raw(name), "between " + Sizes.format(min) + " and " + Sizes.format(max));
        }
        return (int)value;
    }

    int powerOfTwoBytes(final String name, final long min, final long max)
    {
        final int value = bytes(name, min, max);
        if (!BitUtil.isPowerOfTwo(value))
        {
            throw new InvalidSettingException(
                key(name), raw(name), "a power of two between " + Sizes.format(min) + " and " + Sizes.format(max));
        }
        return value;
    }

    int multipleOf(final String name, final int multiple, final long min, final long max)
    {
        final int value = bytes(name, min, max);
        if (value % multiple != 0)
        {
            throw new InvalidSettingException(key(name), raw(name),
                "a multiple of " + multiple + " between " + Sizes.format(min) + " and " + Sizes.format(max));
        }
        return value;
    }

    long nanos(final String name, final Duration min, final Duration max)
    {
        final Duration value;
        try
        {
            value = config.getDuration(name);
        }
        catch (final ConfigException ex)
        {
            throw new InvalidSettingException(
                key(name), key(name) + " = " + raw(name) + " is not a duration (e.g. 100us, 10s): " + ex.getMessage(),
                ex);
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0)
        {
            throw new InvalidSettingException(key(name), raw(name), "between " + min + " and " + max);
        }
        return value.toNanos();
    }

    <E extends Enum<E>> E choice(final String name, final Class<E> type)
    {
        final String value = string(name);
        final String constant = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final E candidate : type.getEnumConstants())
        {
            if (candidate.name().equals(constant))
            {
                return candidate;
            }
        }
        final StringBuilder allowed = new StringBuilder("one of");
        for (final E candidate : type.getEnumConstants())
        {
            allowed.append(' ').append(candidate.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new InvalidSettingException(key(name), value, allowed.toString());
    }

    private String raw(final String name)
    {
        try
        {
            return config.getValue(name).unwrapped().toString();
        }
        catch (final ConfigException ex)
        {
            return "<missing>";
        }
    }
}
