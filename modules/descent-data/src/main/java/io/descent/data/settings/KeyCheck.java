package io.descent.data.settings;

import com.typesafe.config.Config;
import io.descent.nn.BadInputException;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rejects keys a config section does not know, suggesting the nearest known key (a typo is the usual cause).
 * Stateless and thread-safe.
 */
public final class KeyCheck
{
    private KeyCheck()
    {
    }

    /**
     * @param section the user's merged section.
     * @param known   the section with every valid key (its reference defaults).
     * @param prefix  the section's path as the user writes it, for messages.
     * @throws BadInputException naming the first unknown key and the nearest valid one.
     */
    public static void rejectUnknown(final Config section, final Config known, final String prefix)
    {
        final Set<String> knownKeys = new TreeSet<>();
        known.entrySet().forEach((entry) -> knownKeys.add(entry.getKey()));
        final Set<String> keys = new TreeSet<>();
        section.entrySet().stream().map(Map.Entry::getKey).forEach(keys::add);
        for (final String key : keys)
        {
            if (!knownKeys.contains(key))
            {
                final String nearest = nearest(key, knownKeys);
                throw new BadInputException(
                    "unknown setting " + prefix + "." + key + "; did you mean " + prefix + "." + nearest + "?");
            }
        }
    }

    static String nearest(final String key, final Set<String> candidates)
    {
        String best = "";
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int distance = distance(key, candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best;
    }

    static int distance(final String a, final String b)
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
}
