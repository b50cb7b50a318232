package io.descent.bench.scale;

import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.nn.error.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The cluster settings a scaling benchmark sweeps: {@code --servers LIST}, {@code --consistency LIST},
 * {@code --auth LIST}, {@code --compression LIST} (each null when not given: the nodes' default, not swept), and
 * {@code --cluster KEY=VALUE} settings every run gets. Validated once, before any run; {@link #combinations()} gives
 * every row's settings, servers outermost, then consistency, then authentication, then compression, each in the order
 * given. Immutable.
 */
final class ScaleSweep
{
    /** The consistency models a node may know (descent.cluster.consistency). */
    static final List<String> CONSISTENCY = List.of("sync", "backup", "ssp", "async");
    /** The gradient compressions a node may know (descent.cluster.compression). */
    static final List<String> COMPRESSION = List.of("none", "fp16", "bf16", "threshold");
    /** The weight compressions a node may know (descent.cluster.weight-compression), after a '/' in a row. */
    static final List<String> WEIGHT_COMPRESSION = List.of("none", "fp16", "bf16", "threshold");
    /** Settings the bench sets itself or sweeps with their own option; refused in {@code --cluster}. */
    private static final List<String> OWN_KEYS = List.of("consistency", "servers", "data-plane.auth", "workers", "key",
        "compression");

    private final List<Integer> servers;
    private final List<String> consistency;
    private final List<String> auth;
    private final List<String> compression;
    private final List<String> cluster;

    private ScaleSweep(
        final List<Integer> servers, final List<String> consistency, final List<String> auth,
        final List<String> compression, final List<String> cluster)
    {
        this.servers = servers;
        this.consistency = consistency;
        this.auth = auth;
        this.compression = compression;
        this.cluster = cluster;
    }

    /**
     * @param servers     {@code --servers LIST}, or null.
     * @param consistency {@code --consistency LIST}, or null.
     * @param auth        {@code --auth LIST}, or null.
     * @param cluster     the {@code --cluster KEY=VALUE} settings.
     * @param maxServers  the most shards the runs' mode can start.
     * @return the sweep, compressing nothing.
     * @throws BadInputException naming the option, the bad value and what is allowed.
     */
    static ScaleSweep parse(
        final String servers, final String consistency, final String auth, final List<String> cluster,
        final int maxServers)
    {
        return parse(servers, consistency, auth, null, cluster, maxServers);
    }

    /**
     * @param servers     {@code --servers LIST}, or null.
     * @param consistency {@code --consistency LIST}, or null.
     * @param auth        {@code --auth LIST}, or null.
     * @param compression {@code --compression LIST}, or null.
     * @param cluster     the {@code --cluster KEY=VALUE} settings.
     * @param maxServers  the most shards the runs' mode can start.
     * @return the sweep.
     * @throws BadInputException naming the option, the bad value and what is allowed.
     */
    static ScaleSweep parse(
        final String servers, final String consistency, final String auth, final String compression,
        final List<String> cluster, final int maxServers)
    {
        final List<Integer> shards = null == servers ? null : parseServers(servers, maxServers);
        final List<String> models = null == consistency ? null : words("--consistency", consistency, "e.g. sync,ssp");
        if (null != models)
        {
            models.stream().filter(model -> !CONSISTENCY.contains(model)).findFirst().ifPresent(model ->
            {
                throw new BadInputException("--consistency '" + model + "' is not a consistency model; use " +
                    String.join(", ", CONSISTENCY) + " (a list, e.g. sync,ssp,backup)");
            });
        }
        final List<String> auths = null == auth ? null : words("--auth", auth, "e.g. none,aes-gmac");
        if (null != auths)
        {
            auths.forEach(mode -> DataPlaneAuth.parse(mode, "--auth"));
        }
        final List<String> codecs = null == compression ? null : compressions(compression);
        for (final String set : cluster)
        {
            final String key = keyOf(set);
            if (key.isEmpty())
            {
                throw new BadInputException("--cluster '" + set + "' must look like KEY=VALUE, e.g. " +
                    "step-timeout=30s (a descent.cluster setting every node of every run gets)");
            }
            if (OWN_KEYS.contains(key))
            {
                throw new BadInputException("--cluster " + key + "=…: " + ownOption(key));
            }
            if (key.equals("weight-compression") && null != codecs && codecs.stream().anyMatch(c -> c.contains("/")))
            {
                throw new BadInputException("--cluster weight-compression=…: the --compression rows set the weights " +
                    "(GRADIENTS/WEIGHTS, e.g. fp16/fp16); leave --cluster weight-compression out");
            }
        }
        return new ScaleSweep(shards, models, auths, codecs, List.copyOf(cluster));
    }

    /**
     * Refuses, before any run, the combinations this build's nodes refuse at start (so a sweep does not fail after its
     * first rows): threshold-coded weights under ssp or async. Kept apart from {@link #parse}, which
     * passes any known value through.
     *
     * @return this.
     * @throws BadInputException naming the option and the combination.
     */
    ScaleSweep checkNodesSupport()
    {
        final List<String> models = consistency;
        final boolean codedWeights = null != compression && compression.stream()
            .anyMatch(row -> row.endsWith("/threshold"));
        if (codedWeights && null != models && models.stream().anyMatch(model -> model.equals("ssp") ||
            model.equals("async")))
        {
            throw new BadInputException("--compression …/threshold with --consistency " + String.join(",", models) +
                ": threshold-coded weights run under sync and backup only; sweep them with --consistency sync,backup");
        }
        return this;
    }

    private static String ownOption(final String key)
    {
        return switch (key)
        {
            case "consistency" -> "use --consistency LIST (e.g. --consistency ssp)";
            case "servers" -> "use --servers LIST (e.g. --servers 1,2)";
            case "data-plane.auth" -> "use --auth LIST (e.g. --auth none,aes-gmac)";
            case "workers" -> "the bench sets it from --workers LIST";
            case "compression" -> "use --compression LIST (e.g. --compression none,fp16)";
            default -> "the cluster key never goes on a command line; each run gets a fresh one";
        };
    }

    /** @return the key of a {@code KEY=VALUE} setting (trimmed, quotes removed), or "" when there is none. */
    static String keyOf(final String set)
    {
        final int eq = set.indexOf('=');
        return eq <= 0 ? "" : set.substring(0, eq).replace("\"", "").trim();
    }

    private static List<Integer> parseServers(final String text, final int max)
    {
        final List<Integer> counts = new ArrayList<>();
        for (final String word : words("--servers", text, "e.g. 1,2"))
        {
            final int count;
            try
            {
                count = Integer.parseInt(word);
            }
            catch (final NumberFormatException ex)
            {
                throw new BadInputException("--servers '" + text + "' must be server counts separated by commas, " +
                    "e.g. 1,2");
            }
            if (count < 1 || count > max)
            {
                throw new BadInputException("--servers '" + text + "': every count must be from 1 to " + max +
                    " here");
            }
            counts.add(count);
        }
        return counts;
    }

    /**
     * @return the rows of {@code --compression LIST}: each {@code GRADIENTS} (weights float32) or
     * {@code GRADIENTS/WEIGHTS}, lower-cased, a {@code /none} dropped (so {@code none/none} is {@code none}).
     * @throws BadInputException one line naming the bad row and what is allowed.
     */
    private static List<String> compressions(final String text)
    {
        final String example = "e.g. none,fp16/fp16,threshold/threshold";
        final Set<String> rows = new LinkedHashSet<>();
        for (final String word : words("--compression", text, example))
        {
            final String[] parts = word.split("/", -1);
            if (parts.length > 2)
            {
                throw new BadInputException("--compression '" + word + "' must be GRADIENTS or GRADIENTS/WEIGHTS " +
                    "(a list, " + example + ")");
            }
            if (!COMPRESSION.contains(parts[0].trim()))
            {
                throw new BadInputException("--compression '" + parts[0].trim() + "' is not a gradient compression; " +
                    "use " + String.join(", ", COMPRESSION) + " (a list of GRADIENTS or GRADIENTS/WEIGHTS, " +
                    example + ")");
            }
            final String weights = parts.length == 2 ? parts[1].trim() : "none";
            if (!WEIGHT_COMPRESSION.contains(weights))
            {
                throw new BadInputException("--compression '" + word + "': '" + weights + "' is not a weight " +
                    "compression; use one of " + String.join(", ", WEIGHT_COMPRESSION) + " after the '/', " + example);
            }
            final String row = parts[0].trim() + ("none".equals(weights) ? "" : "/" + weights);
            if (!rows.add(row))
            {
                throw new BadInputException("--compression '" + text + "' lists " + row + " twice (a bare " +
                    "GRADIENTS row sends float32 weights: it is GRADIENTS/none)");
            }
        }
        return List.copyOf(rows);
    }

    /** @return the distinct, lower-cased, non-empty words of a comma-separated list. */
    private static List<String> words(final String option, final String text, final String example)
    {
        final Set<String> words = new LinkedHashSet<>();
        for (final String word : text.split(",", -1))
        {
            final String trimmed = word.trim().toLowerCase(Locale.ROOT);
            if (trimmed.isEmpty() || !words.add(trimmed))
            {
                throw new BadInputException(option + " '" + text + "' must be distinct values separated by commas, " +
                    example);
            }
        }
        return List.copyOf(words);
    }

    /** @return whether any setting differs between rows or from the nodes' defaults. */
    boolean given()
    {
        return null != servers || null != consistency || null != auth || null != compression || !cluster.isEmpty();
    }

    /** @return whether the runs may need more than one server shard. */
    boolean sharded()
    {
        return null != servers && servers.stream().anyMatch(count -> count > 1);
    }

    /** @return every row's settings: servers × consistency × authentication × compression, in the order given. */
    List<ScaleSettings> combinations()
    {
        final List<ScaleSettings> rows = new ArrayList<>();
        for (final int shards : null == servers ? List.of(1) : servers)
        {
            for (final String model : null == consistency ? List.of(ScaleSettings.DEFAULT_CONSISTENCY) : consistency)
            {
                for (final String mode : orNull(auth))
                {
                    for (final String codec : orNull(compression))
                    {
                        rows.add(settings(shards, model, mode, codec));
                    }
                }
            }
        }
        return rows;
    }

    private static List<String> orNull(final List<String> values)
    {
        return null == values ? java.util.Collections.singletonList(null) : values;
    }

    private ScaleSettings settings(final int shards, final String model, final String mode, final String codec)
    {
        return new ScaleSettings(shards, model, mode, cluster, label(shards, model, mode, codec), codec);
    }

    private String label(final int shards, final String model, final String mode, final String codec)
    {
        final List<String> parts = new ArrayList<>();
        if (null != servers)
        {
            parts.add(shards + (shards == 1 ? " server" : " servers"));
        }
        if (null != consistency)
        {
            final boolean pipelined = ("ssp".equals(model) || "async".equals(model)) && cluster.stream().anyMatch(set ->
                keyOf(set).equals("pipeline") && set.substring(set.indexOf('=') + 1).trim().equals("on"));
            parts.add(("ssp".equals(model) && cluster.stream().noneMatch(set -> keyOf(set).equals("staleness")) ?
                "ssp s=" + ScaleSettings.DEFAULT_STALENESS : model) + (pipelined ? " pipelined" : ""));
        }
        if (null != auth)
        {
            parts.add("auth " + mode);
        }
        if (null != compression)
        {
            parts.add("compression " + codec);
        }
        return String.join(", ", parts);
    }

    /**
     * @param row     one row's settings.
     * @param against another row's.
     * @return the one swept setting the two differ in, as "auth aes-gmac vs none", or null when they differ in none
     * or more than one.
     */
    static String difference(final ScaleSettings row, final ScaleSettings against)
    {
        final List<String> differences = new ArrayList<>();
        if (row.servers() != against.servers())
        {
            differences.add(row.servers() + " vs " + against.servers() + " servers");
        }
        if (!row.consistency().equals(against.consistency()))
        {
            differences.add(row.consistency() + " vs " + against.consistency());
        }
        if (!java.util.Objects.equals(row.auth(), against.auth()))
        {
            differences.add("auth " + row.auth() + " vs " + against.auth());
        }
        if (!row.compressionName().equals(against.compressionName()))
        {
            differences.add("compression " + row.compressionName() + " vs " + against.compressionName());
        }
        return differences.size() == 1 ? differences.get(0) : null;
    }

    /**
     * @return for each row, the rows it is compared with: the same settings but for one swept setting at its first
     * listed value (e.g. aes-gmac against none for {@code --auth none,aes-gmac}), or for compression at {@code none}
     * when it is listed; rows at every such value have none.
     */
    List<ScaleSettings> baselinesOf(final ScaleSettings row)
    {
        final List<ScaleSettings> against = new ArrayList<>();
        final String codec = row.compression();
        if (null != servers && row.servers() != servers.get(0))
        {
            against.add(settings(servers.get(0), row.consistency(), row.auth(), codec));
        }
        if (null != consistency && !row.consistency().equals(consistency.get(0)))
        {
            against.add(settings(row.servers(), consistency.get(0), row.auth(), codec));
        }
        if (null != auth && !row.auth().equals(auth.get(0)))
        {
            against.add(settings(row.servers(), row.consistency(), auth.get(0), codec));
        }
        if (null != compression)
        {
            final String base = compression.contains(ScaleSettings.DEFAULT_COMPRESSION) ?
                ScaleSettings.DEFAULT_COMPRESSION : compression.get(0);
            if (!codec.equals(base))
            {
                against.add(settings(row.servers(), row.consistency(), row.auth(), base));
            }
        }
        return against;
    }
}
