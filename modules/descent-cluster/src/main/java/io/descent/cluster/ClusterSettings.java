package io.descent.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.nn.config.ConfigChecks;
import io.descent.nn.error.BadInputException;
import io.descent.pki.TlsFiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of the cluster ({@code descent.cluster}), read from HOCON and validated once. Immutable and thread-safe.
 *
 * @param workers             workers the parameter server waits for.
 * @param rank                the rank a worker asks for, or -1 for any.
 * @param stepTimeout         how long a step waits for the live workers' gradients.
 * @param registrationTimeout how long to wait for registration (server: all workers; worker: acceptance).
 * @param weightsTimeout      how long a worker waits for the next weights.
 * @param sendTimeout         deadline of one data-plane send.
 * @param streamId            the data plane's Aeron stream id.
 * @param bind                {@code host:port} the data plane receives on (UDP), or {@code ipc}.
 * @param checkpoints         checkpoint settings.
 * @param key                 the cluster's shared key ({@link ClusterKey#NONE} for none): the environment variable
 *                            {@value ClusterKey#ENV} when set and not empty, else {@code descent.cluster.key};
 *                            the CLI's {@code --cluster-key-file} replaces both ({@link #withKey}).
 * @param stallMargin         how long past its own deadlines a training node may go without a step before its
 *                            {@code /health} says it stalled ({@link #serverProgress()}, {@link #workerProgress()}).
 * @param serverLostTimeout   how long a worker that lost its parameter server (it went away without finishing the
 *                            job) keeps looking for a restarted one before it gives up.
 * @param joinMarginSteps     steps between the running step and a joining worker's first: 0 to measure it
 *                            ({@code auto}), else this many (doubled for each join step the worker missed).
 * @param dataPlaneAuth       {@code data-plane.auth}: how data-plane chunks are authenticated, as configured
 *                            ({@link #dataPlane()} resolves {@code auto} against the key).
 * @param tls                 the control plane's TLS directory ({@code tls.dir}, checked), empty for plain TCP.
 * @param consistency         how a step closes ({@code consistency}, {@code backup-workers}, {@code staleness}); every
 *                            node of a job must agree (a worker that does not is refused at registration).
 * @param servers             parameter-server shards the job's weights are cut over ({@code servers}, 1..64).
 * @param shardMinBytes       the smallest range a shard holds ({@code shard-min-bytes}), see
 *                            {@link io.descent.cluster.plan.ServerShardPlan}.
 * @param compression         how gradients (and weights) are encoded on the data plane ({@code compression},
 *                            {@code threshold.*}, {@code weight-compression});
 *                            every node of a job must agree (a worker that does not is refused at registration).
 */
public record ClusterSettings(
    int workers,
    int rank,
    Duration stepTimeout,
    Duration registrationTimeout,
    Duration weightsTimeout,
    Duration sendTimeout,
    int streamId,
    String bind,
    CheckpointSettings checkpoints,
    ClusterKey key,
    Duration stallMargin,
    Duration serverLostTimeout,
    int joinMarginSteps,
    DataPlaneAuth dataPlaneAuth,
    Optional<TlsFiles> tls,
    Consistency consistency,
    int servers,
    long shardMinBytes,
    GradientCompression compression)
{
    /** Every valid key under {@link #PATH}, as dotted paths. */
    public static final Set<String> KEYS = Set.of("workers", "rank", "step-timeout", "registration-timeout",
        "weights-timeout", "send-timeout", "data-plane.stream-id", "data-plane.bind", "checkpoint.dir",
        "checkpoint.every-steps", "checkpoint.every", "checkpoint.keep", "key", "stall-margin",
        "server-lost-timeout", "join-margin", "data-plane.auth", "tls.dir", "consistency", "backup-workers",
        "staleness", "pipeline", "servers", "shard-min-bytes", "compression", "threshold.density",
        "threshold.initial-tau", "threshold.min-tau", "threshold.max-tau", "weight-compression",
        "weight-threshold.density", "weight-threshold.initial-tau", "weight-threshold.min-tau",
        "weight-threshold.max-tau", "weight-threshold.levels", "weight-threshold.lead");

    /** The most parameter-server shards a job may have ({@code servers}). */
    public static final int MAX_SERVERS = 64;

    /** The configuration path of these settings. */
    public static final String PATH = "descent.cluster";

    /**
     * Checkpoint settings ({@code descent.cluster.checkpoint}).
     *
     * @param dir        where checkpoints go, empty when disabled.
     * @param everySteps write every this many steps, 0 for never by steps.
     * @param every      write when this much time passed since the last, zero for never by time.
     * @param keep       complete checkpoints kept.
     */
    public record CheckpointSettings(Optional<Path> dir, int everySteps, Duration every, int keep)
    {
        /** @return true when a directory is set and a step or time interval is configured. */
        public boolean enabled()
        {
            return dir.isPresent() && (everySteps > 0 || !every.isZero());
        }
    }

    /**
     * Reads {@code descent.cluster} from {@code root}, falling back to reference.conf for missing keys, and the
     * cluster key from this process's environment.
     *
     * @param root a configuration that may contain {@code descent.cluster}.
     * @return validated settings.
     * @throws BadInputException naming the key, the bad value and the allowed range.
     */
    public static ClusterSettings from(final Config root)
    {
        return from(root, System.getenv());
    }

    /**
     * As {@link #from(Config)} with the given environment instead of this process's.
     *
     * @param root a configuration that may contain {@code descent.cluster}.
     * @param env  environment variables ({@value ClusterKey#ENV} wins over {@code descent.cluster.key}).
     * @return validated settings.
     * @throws BadInputException naming the key (never its value when it is the cluster key) and the allowed range.
     */
    public static ClusterSettings from(final Config root, final Map<String, String> env)
    {
        final Config merged = root.withFallback(ConfigFactory.defaultReference(ClusterSettings.class.getClassLoader()))
            .resolve();
        final Config c = merged.getConfig(PATH);
        ConfigChecks.rejectUnknownKeys(c, KEYS, PATH);
        final String dir = c.getString("checkpoint.dir").trim();
        final int workers = intIn(c, "workers", 1, 1024);
        final Consistency consistency = Consistency.from(c, PATH).checkServers(intIn(c, "servers", 1, MAX_SERVERS));
        final GradientCompression compression = GradientCompression.from(c, PATH);
        compression.check(consistency, PATH);
        return new ClusterSettings(
            workers,
            intIn(c, "rank", -1, 1023),
            durationIn(c, "step-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
            durationIn(c, "registration-timeout", Duration.ofSeconds(1), Duration.ofHours(24)),
            durationIn(c, "weights-timeout", Duration.ofSeconds(1), Duration.ofHours(24)),
            durationIn(c, "send-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
            intIn(c, "data-plane.stream-id", 1, Integer.MAX_VALUE),
            endpoint(c, "data-plane.bind"),
            new CheckpointSettings(
                dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir)),
                intIn(c, "checkpoint.every-steps", 0, Integer.MAX_VALUE),
                durationIn(c, "checkpoint.every", Duration.ZERO, Duration.ofDays(365)),
                intIn(c, "checkpoint.keep", 1, 1000)),
            key(c, env),
            durationIn(c, "stall-margin", Duration.ZERO, Duration.ofHours(24)),
            durationIn(c, "server-lost-timeout", Duration.ofSeconds(1), Duration.ofHours(24)),
            joinMargin(c, "join-margin"),
            DataPlaneAuth.parse(c.getValue("data-plane.auth").unwrapped().toString(), PATH + ".data-plane.auth"),
            tls(c, "tls.dir"),
            consistency,
            intIn(c, "servers", 1, MAX_SERVERS),
            bytesIn(c, "shard-min-bytes", 4096, 1L << 30),
            compression);
    }

    /** @return what protects the control plane (Akka): mutual TLS when a TLS directory is set, else nothing. */
    public ControlPlaneSecurity controlPlane()
    {
        return tls.isPresent() ? ControlPlaneSecurity.MUTUAL_TLS : ControlPlaneSecurity.NONE;
    }

    /**
     * How long a node's steps may be apart, every wait included, before its {@code /health} says it stalled.
     *
     * @param within the longest time without a step.
     * @param rule   which settings add up to it, for the reason {@code /health} gives.
     */
    public record ProgressDeadline(Duration within, String rule)
    {
    }

    /**
     * @return the parameter server's, once training runs: a step waits at most {@code step-timeout} for gradients
     * (then the missing workers are dropped) and {@code send-timeout} to publish the next weights; {@code
     * stall-margin} covers the update, a checkpoint and an epoch's evaluation.
     */
    public ProgressDeadline serverProgress()
    {
        return new ProgressDeadline(stepTimeout.plus(sendTimeout).plus(stallMargin), PATH + ".step-timeout " +
            stepTimeout.toSeconds() + " s + send-timeout " + sendTimeout.toSeconds() + " s + stall-margin " +
            stallMargin.toSeconds() + " s");
    }

    /**
     * @return a worker's, once accepted: it waits at most {@code weights-timeout} for the next weights (then it gives
     * up by itself) and {@code send-timeout} to push a gradient; {@code stall-margin} covers its compute.
     */
    public ProgressDeadline workerProgress()
    {
        return new ProgressDeadline(weightsTimeout.plus(sendTimeout).plus(stallMargin), PATH + ".weights-timeout " +
            weightsTimeout.toSeconds() + " s + send-timeout " + sendTimeout.toSeconds() + " s + stall-margin " +
            stallMargin.toSeconds() + " s");
    }

    /** @return reference.conf's settings with overrides from system properties. */
    public static ClusterSettings load()
    {
        return from(ConfigFactory.load());
    }

    /** @return a copy with another worker count. */
    public ClusterSettings withWorkers(final int newWorkers)
    {
        return new ClusterSettings(newWorkers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout, streamId,
            bind, checkpoints, key, stallMargin, serverLostTimeout, joinMarginSteps,
            dataPlaneAuth, tls, consistency, servers, shardMinBytes, compression);
    }

    /** @return a copy with another number of parameter-server shards. */
    public ClusterSettings withServers(final int newServers)
    {
        return new ClusterSettings(workers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout,
            streamId, bind, checkpoints, key, stallMargin, serverLostTimeout, joinMarginSteps, dataPlaneAuth, tls,
            consistency.checkServers(newServers), newServers, shardMinBytes, compression);
    }

    /** @return a copy with another gradient compression. */
    public ClusterSettings withCompression(final GradientCompression newCompression)
    {
        return new ClusterSettings(workers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout,
            streamId, bind, checkpoints, key, stallMargin, serverLostTimeout, joinMarginSteps, dataPlaneAuth, tls,
            consistency, servers, shardMinBytes, newCompression);
    }

    /** @return a copy with other checkpoint settings. */
    public ClusterSettings withCheckpoints(final CheckpointSettings newCheckpoints)
    {
        return new ClusterSettings(workers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout,
            streamId, bind, newCheckpoints, key, stallMargin, serverLostTimeout, joinMarginSteps,
            dataPlaneAuth, tls, consistency, servers, shardMinBytes, compression);
    }

    /**
     * @return how this node's data-plane chunks are authenticated: {@code auto} is a MAC whenever there is a cluster
     * key, else CRC only.
     * @throws BadInputException when a MAC is asked for but there is no cluster key.
     */
    public io.descent.transport.wire.ChunkAuth dataPlane()
    {
        return dataPlaneAuth.resolve(key, PATH + ".data-plane.auth");
    }

    /**
     * @param adopted the chunk authentication of the node this one registered with (its label), or null.
     * @return what this node's data plane runs once registered: with {@code auto} and a key, that node's MAC.
     */
    public io.descent.transport.wire.ChunkAuth dataPlane(final String adopted)
    {
        return dataPlaneAuth.resolve(key, PATH + ".data-plane.auth", adopted);
    }

    /**
     * @param offered the consistency a registering node runs ({@link Consistency#label()}).
     * @param node    the registering node, for the reason ("the worker", "server shard 1").
     * @return null when it is this node's, else a one-line reason for both sides.
     */
    public String consistencyRefusal(final String offered, final String node)
    {
        final String own = consistency.label();
        return own.equals(offered) ? null : "consistency differs: " + node + " uses " + offered + " but the " +
            "parameter server uses " + own + "; set descent.cluster.consistency (and backup-workers, staleness) the " +
            "same on every node";
    }

    /**
     * @param offered the compression a registering node runs ({@link GradientCompression#label()}).
     * @param node    the registering node, for the reason.
     * @return null when it is this node's, else a one-line reason for both sides.
     */
    public String compressionRefusal(final String offered, final String node)
    {
        final String own = compression.label();
        return own.equals(offered) ? null : "compression differs: " + node + " uses " + offered + " but the " +
            "parameter server uses " + own + "; set descent.cluster.compression (and threshold.*, weight-compression) " +
            "the same on every node";
    }

    /** @return what this node offers at registration ({@link DataPlaneAuth#offer}). */
    public String dataPlaneOffer()
    {
        return dataPlaneAuth.offer(key, PATH + ".data-plane.auth");
    }

    /** @return a copy with another data-plane authentication setting. */
    public ClusterSettings withDataPlaneAuth(final DataPlaneAuth newAuth)
    {
        return new ClusterSettings(workers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout,
            streamId, bind, checkpoints, key, stallMargin, serverLostTimeout, joinMarginSteps, newAuth, tls,
            consistency, servers, shardMinBytes, compression);
    }

    /** @return a copy with another cluster key. */
    public ClusterSettings withKey(final ClusterKey newKey)
    {
        return new ClusterSettings(workers, rank, stepTimeout, registrationTimeout, weightsTimeout, sendTimeout,
            streamId, bind, checkpoints, newKey, stallMargin, serverLostTimeout, joinMarginSteps,
            dataPlaneAuth, tls, consistency, servers, shardMinBytes, compression);
    }

    /** @return the checked TLS directory, or empty when the setting is empty. */
    private static Optional<TlsFiles> tls(final Config c, final String key)
    {
        final String dir;
        try
        {
            dir = c.getString(key).trim();
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(PATH + "." + key + " must be a directory path or empty: " + ex.getMessage());
        }
        if (dir.isEmpty())
        {
            return Optional.empty();
        }
        final TlsFiles files = new TlsFiles(Path.of(dir));
        files.check(PATH + "." + key);
        return Optional.of(files);
    }

    private static ClusterKey key(final Config c, final Map<String, String> env)
    {
        final String fromEnv = env.get(ClusterKey.ENV);
        if (null != fromEnv && !fromEnv.isBlank())
        {
            return ClusterKey.parse(fromEnv, "the environment variable " + ClusterKey.ENV);
        }
        try
        {
            return ClusterKey.parse(c.getString("key"), PATH + ".key");
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(PATH + ".key must be a string (the cluster key): " + ex.getMessage());
        }
    }

    private static int intIn(final Config c, final String key, final int min, final int max)
    {
        final int value;
        try
        {
            value = c.getInt(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(PATH + "." + key + " must be an integer: " + ex.getMessage());
        }
        if (value < min || value > max)
        {
            throw new BadInputException(PATH + "." + key + " = " + value + " is out of range; allowed: " + min +
                ".." + max);
        }
        return value;
    }

    /** @return a size in bytes ({@code 256k}, {@code 1m} or a number) within {@code min..max}. */
    private static long bytesIn(final Config c, final String key, final long min, final long max)
    {
        final long value;
        try
        {
            value = c.getBytes(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(PATH + "." + key + " must be a size such as 256k or 1m: " + ex.getMessage());
        }
        if (value < min || value > max)
        {
            throw new BadInputException(PATH + "." + key + " = " + value + " bytes is out of range; allowed: " + min +
                ".." + max);
        }
        return value;
    }

    /** @return 0 for {@code auto}, else a number of steps in 1..1,000,000. */
    private static int joinMargin(final Config c, final String key)
    {
        if ("auto".equals(c.getValue(key).unwrapped().toString().trim()))
        {
            return 0;
        }
        try
        {
            return intIn(c, key, 1, 1_000_000);
        }
        catch (final BadInputException ex)
        {
            throw new BadInputException(PATH + "." + key + " = '" + c.getValue(key).unwrapped() + "' must be auto " +
                "or a number of steps in 1..1000000");
        }
    }

    private static Duration durationIn(final Config c, final String key, final Duration min, final Duration max)
    {
        final Duration value;
        try
        {
            value = c.getDuration(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(PATH + "." + key + " must be a duration such as 30s or 5m: " +
                ex.getMessage());
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0)
        {
            throw new BadInputException(PATH + "." + key + " = " + c.getValue(key).unwrapped() +
                " is out of range; allowed: " + min + ".." + max);
        }
        return value;
    }

    private static String endpoint(final Config c, final String key)
    {
        final String value = c.getString(key).trim();
        if (io.descent.cluster.dataplane.AeronDataPlane.isIpc(value))
        {
            return value;
        }
        final int colon = value.lastIndexOf(':');
        boolean valid = colon > 0;
        if (valid)
        {
            try
            {
                final int port = Integer.parseInt(value.substring(colon + 1));
                valid = port >= 0 && port <= 65535;
            }
            catch (final NumberFormatException ex)
            {
                valid = false;
            }
        }
        if (!valid)
        {
            throw new BadInputException(PATH + "." + key + " = '" + value + "' is not host:port (port 0..65535) or ipc");
        }
        return value;
    }
}
