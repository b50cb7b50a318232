package io.descent.cli.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.nn.error.BadInputException;

import java.util.List;

/**
 * The {@code --cluster key=value} overrides of a node's command line, parsed as HOCON under {@code descent.cluster}.
 * The cluster key is refused there (anyone who can list processes would see it), judged on the parsed
 * configuration, not on the text: a quoted path ({@code "key"=...}), a second setting in the value
 * ({@code x=1, descent.cluster.key=...}), an object ({@code descent.cluster { key = ... }}) or a substitution all
 * reach {@code descent.cluster.key} and are refused alike, and the message never repeats what was given. Stateless.
 */
public final class ClusterOverrides
{
    private static final String KEY_PATH = ClusterSettings.PATH + ".key";
    private static final List<String> KEY_SEGMENTS = ConfigUtil.splitPath(KEY_PATH);

    private ClusterOverrides()
    {
    }

    /**
     * @param settings the {@code --cluster} arguments, in order (later wins).
     * @param base     what they override.
     * @return {@code base} with the overrides on top.
     * @throws BadInputException for a malformed setting or one that sets the cluster key.
     */
    static Config apply(final List<String> settings, final Config base)
    {
        Config overrides = base;
        for (final String set : settings)
        {
            overrides = parse(set).withFallback(overrides);
        }
        return overrides;
    }

    /**
     * Checks the {@code --cluster} settings a launcher hands to every node of a job of {@code workers} workers, once,
     * in the launcher: each as {@link #parse} does, and the settings they make (over system properties and the
     * defaults) as a parameter server would validate them.
     *
     * @param settings the {@code --cluster} arguments.
     * @param workers  the job's worker count.
     * @throws BadInputException with one line for the first bad setting.
     */
    public static void check(final List<String> settings, final int workers)
    {
        final Config root = apply(settings, ConfigFactory.parseString(ClusterSettings.PATH + ".workers = " + workers))
            .withFallback(ConfigFactory.load());
        ClusterSettings.from(root).consistency().checkWorkers(workers);
    }

    /**
     * @param set one {@code --cluster} argument.
     * @return it as a configuration rooted at {@code descent.cluster}.
     * @throws BadInputException for a malformed setting or one that sets the cluster key.
     */
    static Config parse(final String set)
    {
        final int eq = set.indexOf('=');
        if (eq <= 0)
        {
            throw new BadInputException("--cluster '" + shown(set) + "' must look like key=value, e.g. " +
                "step-timeout=30s");
        }
        final Config parsed;
        try
        {
            parsed = ConfigFactory.parseString(ClusterSettings.PATH + "." + set.substring(0, eq).trim() + " = " +
                set.substring(eq + 1).trim());
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException("--cluster '" + shown(set) + "' is not a valid setting" +
                (mayHoldKey(set) ? "" : ": " + ex.getMessage()));
        }
        if (setsKey(parsed))
        {
            throw new BadInputException("--cluster must not set " + KEY_PATH + ": it would show the cluster key to " +
                "anyone who can list processes; use --cluster-key-file FILE or the environment variable " +
                ClusterKey.ENV);
        }
        return parsed;
    }

    /** @return true when {@code parsed} sets the cluster key, or may once its substitutions are resolved. */
    static boolean setsKey(final Config parsed)
    {
        final Config resolved;
        try
        {
            resolved = parsed.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
        }
        catch (final ConfigException ex)
        {
            return true;
        }
        ConfigValue value = resolved.root();
        for (final String segment : KEY_SEGMENTS)
        {
            try
            {
                if (value.valueType() != ConfigValueType.OBJECT)
                {
                    return false;
                }
            }
            catch (final ConfigException.NotResolved ex)
            {
                // A substitution left for the whole configuration (descent.cluster = ${...}) may bring a key.
                return true;
            }
            value = ((ConfigObject)value).get(segment);
            if (null == value)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean mayHoldKey(final String set)
    {
        return set.toLowerCase(java.util.Locale.ROOT).contains("key");
    }

    /** @return the setting for a message: whole, or only its name when it might carry the key. */
    private static String shown(final String set)
    {
        if (!mayHoldKey(set))
        {
            return set;
        }
        final int eq = set.indexOf('=');
        return (eq > 0 ? set.substring(0, eq) : "") + "=...";
    }
}
