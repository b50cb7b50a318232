package io.descent.bench.scale;

import com.typesafe.config.ConfigFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster settings of one row of a scaling sweep ({@link ScaleSweep}): server shards, consistency model,
 * data-plane authentication, gradient compression and the user's other {@code --cluster KEY=VALUE} settings, as every
 * node of a run gets them. A setting at the nodes' default (1 server, {@code sync}, compression {@code none}) is not
 * passed, so these rows run on nodes that do not know the setting yet. Immutable.
 *
 * @param servers     parameter-server shards, ≥ 1 ({@code train --servers S}, the script's {@code --servers S}).
 * @param consistency the consistency model: sync, backup, ssp or async.
 * @param auth        {@code descent.cluster.data-plane.auth} of every node, or null for the nodes' own setting.
 * @param cluster     the user's other {@code --cluster KEY=VALUE} settings, passed as given, in order.
 * @param label       how tables, plots and reports name the row (the swept settings), "" for a sweep of none.
 * @param compression {@code descent.cluster.compression} of every node (none, fp16, bf16, threshold), or null for
 *                    the nodes' own setting.
 */
record ScaleSettings(int servers, String consistency, String auth, List<String> cluster, String label,
    String compression)
{
    /** The nodes' own gradient compression: none. */
    static final String DEFAULT_COMPRESSION = "none";
    /** The nodes' own consistency model. */
    static final String DEFAULT_CONSISTENCY = "sync";
    /** The staleness bound {@code ssp} runs with unless {@code --cluster staleness=K} says otherwise. */
    static final int DEFAULT_STALENESS = 2;

    /** The settings of a run that sweeps nothing: the nodes' defaults. */
    static final ScaleSettings DEFAULTS = new ScaleSettings(1, DEFAULT_CONSISTENCY, null, List.of(), "");

    ScaleSettings
    {
        cluster = List.copyOf(cluster);
    }

    /** Settings with the nodes' own gradient compression. */
    ScaleSettings(final int servers, final String consistency, final String auth, final List<String> cluster,
        final String label)
    {
        this(servers, consistency, auth, cluster, label, null);
    }

    /**
     * @return the {@code --cluster KEY=VALUE} arguments every node of the run gets: the consistency model when not
     * {@code sync} ({@code ssp} with staleness 2 unless the user set one), the data-plane authentication when given,
     * the gradient compression when given and not {@code none}, then the user's settings.
     */
    List<String> clusterArgs()
    {
        return clusterArgs(true);
    }

    /**
     * @param withAuth whether the data-plane authentication goes in too (false where it travels in the environment).
     */
    List<String> clusterArgs(final boolean withAuth)
    {
        final List<String> args = new ArrayList<>();
        if (!DEFAULT_CONSISTENCY.equals(consistency))
        {
            args.addAll(List.of("--cluster", "consistency=" + consistency));
            if ("ssp".equals(consistency) && cluster.stream().noneMatch(set -> ScaleSweep.keyOf(set)
                .equals("staleness")))
            {
                args.addAll(List.of("--cluster", "staleness=" + DEFAULT_STALENESS));
            }
        }
        if (withAuth && null != auth)
        {
            args.addAll(List.of("--cluster", "data-plane.auth=" + auth));
        }
        if (null != compression && !DEFAULT_COMPRESSION.equals(gradientCompression()))
        {
            args.addAll(List.of("--cluster", "compression=" + gradientCompression()));
        }
        if (null != compression && compression.contains("/"))
        {
            args.addAll(List.of("--cluster", "weight-compression=" + compression.substring(
                compression.indexOf('/') + 1)));
        }
        cluster.forEach(set -> args.addAll(List.of("--cluster", set)));
        return args;
    }

    /**
     * @param workers the run's worker count.
     * @return the settings a run of that many workers gets: under {@code backup}, {@code backup-workers} lowered to
     * {@code workers - 1} where it would not leave one gradient per step (the nodes refuse that), so a 1-worker
     * baseline runs as b = 0 (every step waits for its one worker, as sync does); otherwise these settings.
     */
    ScaleSettings forWorkers(final int workers)
    {
        if (!"backup".equals(consistency))
        {
            return this;
        }
        final int backup = cluster.stream().filter(set -> ScaleSweep.keyOf(set).equals("backup-workers"))
            .reduce((first, later) -> later).map(set -> set.substring(set.indexOf('=') + 1).trim())
            .filter(value -> value.matches("[0-9]{1,9}")).map(Integer::parseInt)
            .orElse(ConfigFactory.defaultReference().getInt("descent.cluster.backup-workers"));
        if (backup < workers)
        {
            return this;
        }
        final List<String> lowered = new ArrayList<>(cluster);
        lowered.add("backup-workers=" + (workers - 1));
        return new ScaleSettings(servers, consistency, auth, lowered, label, compression);
    }

    /** @return whether the run has server shards, which only {@code train --servers} (not an in-process launch) starts. */
    boolean sharded()
    {
        return servers > 1;
    }

    /** @return the label as part of a file name ("" for none): letters, digits and '-' only. */
    String slug()
    {
        return label.isEmpty() ? "" : "-" + label.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-+$", "");
    }

    /**
     * @return the compression the run's nodes use, as its row names it: {@code GRADIENTS} (weights float32) or
     * {@code GRADIENTS/WEIGHTS}, e.g. {@code fp16/fp16}; the nodes' default (none) when not given.
     */
    String compressionName()
    {
        return null == compression ? DEFAULT_COMPRESSION : compression;
    }

    /** @return the gradients' part of {@link #compressionName()}. */
    String gradientCompression()
    {
        final String name = compressionName();
        return name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
    }

    /** @return the weights' part of {@link #compressionName()}: none (float32) unless a row says otherwise. */
    String weightCompression()
    {
        final String name = compressionName();
        return name.contains("/") ? name.substring(name.indexOf('/') + 1) : DEFAULT_COMPRESSION;
    }

    /** @return the settings as report fields. */
    Map<String, Object> toJson()
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("label", label);
        json.put("servers", servers);
        json.put("consistency", consistency);
        json.put("data_plane_auth", null == auth ? "default" : auth);
        json.put("compression", compressionName());
        json.put("gradient_compression", gradientCompression());
        json.put("weight_compression", weightCompression());
        json.put("cluster", cluster);
        json.put("node_args", clusterArgs());
        return json;
    }
}
