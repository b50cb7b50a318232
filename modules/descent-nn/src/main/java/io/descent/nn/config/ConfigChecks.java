package io.descent.nn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.nn.error.BadInputException;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** Validation helpers shared by every settings parser: unknown keys with a suggestion, typed reads with ranges. */
public final class ConfigChecks
{
    private ConfigChecks()
    {
    }

    /**
     * Rejects keys of {@code config} (recursively, as dotted paths) that {@code valid} does not contain.
     *
     * @param config the user's section.
     * @param valid  every valid dotted path relative to the section.
     * @param prefix the section's own path for messages, e.g. {@code train}, or empty.
     * @throws BadInputException naming the first unknown key and the nearest valid one.
     */
    public static void rejectUnknownKeys(final Config config, final Set<String> valid, final String prefix)
    {
        for (final String key : new TreeSet<>(config.entrySet().stream().map(e -> e.getKey()).toList()))
        {
            if (!valid.contains(key))
            {
                throw unknownKey(qualified(prefix, key), valid, prefix);
            }
        }
    }

    private static BadInputException unknownKey(final String key, final Set<String> valid, final String prefix)
    {
        final Set<String> qualifiedValid = new TreeSet<>();
        valid.forEach(v -> qualifiedValid.add(qualified(prefix, v)));
        return new BadInputException("unknown setting " + key + "; did you mean " + nearest(key, qualifiedValid) + "?");
    }

    /**
     * @param word       the misspelt word.
     * @param candidates valid words.
     * @return the candidate with the smallest edit distance to {@code word}.
     */
    public static String nearest(final String word, final Collection<String> candidates)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int distance = editDistance(word, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * Reads an int and checks {@code min <= value <= max}.
     *
     * @throws BadInputException naming the key, the value and the range.
     */
    public static int intIn(final Config config, final String key, final String prefix, final int min, final int max)
    {
        final int value;
        try
        {
            value = config.getInt(key);
        }
        catch (final ConfigException.WrongType ex)
        {
            throw new BadInputException(qualified(prefix, key) + " must be an integer, got " +
                config.getValue(key).render());
        }
        if (value < min || value > max)
        {
            throw new BadInputException(qualified(prefix, key) + " = " + value + " is out of range; allowed: " +
                range(min, max));
        }
        return value;
    }

    /**
     * Reads a double and checks it lies in the range; {@code exclusiveMin} makes the lower bound strict.
     *
     * @throws BadInputException naming the key, the value and the range.
     */
    public static double doubleIn(
        final Config config, final String key, final String prefix,
        final double min, final boolean exclusiveMin, final double max)
    {
        final double value;
        try
        {
            value = config.getDouble(key);
        }
        catch (final ConfigException.WrongType ex)
        {
            throw new BadInputException(qualified(prefix, key) + " must be a number, got " +
                config.getValue(key).render());
        }
        if (!Double.isFinite(value) || value < min || (exclusiveMin && value == min) || value > max)
        {
            throw new BadInputException(qualified(prefix, key) + " = " + value + " is out of range; allowed: " +
                (exclusiveMin ? "> " : ">= ") + min + (max == Double.MAX_VALUE ? "" : " and <= " + max));
        }
        return value;
    }

    /** @return {@code prefix.key}, or {@code key} when the prefix is empty. */
    public static String qualified(final String prefix, final String key)
    {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    private static String range(final int min, final int max)
    {
        return max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
    }
}
