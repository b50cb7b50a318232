package io.descent.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.descent.nn.error.BadInputException;

import java.util.Locale;

/**
 * How the parameter server closes a step ({@code descent.cluster.consistency}, {@code backup-workers},
 * {@code staleness}): {@link Mode#SYNC} waits for every live worker (bitwise reproducible); {@link Mode#BACKUP}
 * closes a step on the first N − b complete gradients (N live workers) and drops the late ones; {@link Mode#SSP}
 * applies each gradient as it arrives, a worker starting step t only once every live worker's gradients up to step
 * t − s − 1 are applied; {@link Mode#ASYNC} applies each on arrival with no bound. Under ssp and async a worker may
 * also compute its next step while its gradient and the server's answer travel ({@code pipeline}, {@link #window}).
 * Immutable.
 *
 * @param mode          the model.
 * @param backupWorkers b: gradients a backup step may close without (0 ≤ b &lt; workers); 0 unless {@code backup}.
 * @param staleness     s: how many steps a worker may run ahead under {@code ssp}; 0 unless {@code ssp}.
 * @param pipeline      {@code pipeline}: whether ssp and async keep two steps ordered per worker; {@link Pipeline#OFF}
 *                      unless {@code ssp} or {@code async}.
 */
public record Consistency(Mode mode, int backupWorkers, int staleness, Pipeline pipeline)
{
    /**
     * {@code pipeline}: whether the server keeps two steps ordered per worker under ssp and async, so a worker computes
     * step t + 1 while its gradient of t and the weights of t + 2 travel (each order still within the bound).
     */
    public enum Pipeline
    {
        /** One step ordered at a time: a worker waits for the server's answer to each gradient (the default). */
        OFF,
        /** Two steps ordered per worker; refused with server shards. */
        ON;

        /** @return the setting's value, e.g. {@code on}. */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code pipeline = off}. */
    public Consistency(final Mode mode, final int backupWorkers, final int staleness)
    {
        this(mode, backupWorkers, staleness, Pipeline.OFF);
    }

    /** The consistency models. */
    public enum Mode
    {
        /** Every step waits for every live worker's gradient. */
        SYNC,
        /** A step closes on the first N − b gradients; late ones are counted and dropped. */
        BACKUP,
        /** Bounded staleness: gradients applied as they arrive, workers at most s steps apart. */
        SSP,
        /** No bound. */
        ASYNC;

        /** @return the setting's value, e.g. {@code backup}. */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Today's default: every step waits for every worker. */
    public static final Consistency SYNC = new Consistency(Mode.SYNC, 0, 0);

    /**
     * Reads and checks {@code consistency}, {@code backup-workers} and {@code staleness} under {@code c}.
     *
     * @param c       the {@code descent.cluster} section.
     * @param path    its path, for messages.
     * @throws BadInputException naming the key, the bad value and what is allowed.
     */
    static Consistency from(final Config c, final String path)
    {
        final String raw = c.getValue("consistency").unwrapped().toString().trim().toLowerCase(Locale.ROOT);
        Mode mode = null;
        for (final Mode candidate : Mode.values())
        {
            if (candidate.label().equals(raw))
            {
                mode = candidate;
            }
        }
        if (null == mode)
        {
            throw new BadInputException(path + ".consistency = '" + c.getValue("consistency").unwrapped() +
                "' is not a consistency model; allowed: sync, backup, ssp, async");
        }
        final int backup = nonNegative(c, path, "backup-workers");
        final int staleness = nonNegative(c, path, "staleness");
        final Pipeline pipeline = pipeline(c, path);
        return new Consistency(mode, mode == Mode.BACKUP ? backup : 0, mode == Mode.SSP ? staleness : 0,
            appliesOnArrival(mode) ? pipeline : Pipeline.OFF);
    }

    private static Pipeline pipeline(final Config c, final String path)
    {
        if (!c.hasPath("pipeline"))
        {
            return Pipeline.OFF;
        }
        final String raw = c.getValue("pipeline").unwrapped().toString().trim().toLowerCase(Locale.ROOT);
        for (final Pipeline candidate : Pipeline.values())
        {
            if (candidate.label().equals(raw))
            {
                return candidate;
            }
        }
        throw new BadInputException(path + ".pipeline = '" + c.getValue("pipeline").unwrapped() +
            "' is not a pipeline setting; allowed: off, on");
    }

    private static boolean appliesOnArrival(final Mode mode)
    {
        return mode == Mode.SSP || mode == Mode.ASYNC;
    }

    /**
     * Checks {@code pipeline} against the job's server shards, where that count is known.
     *
     * @param servers the job's parameter-server shards.
     * @return this.
     * @throws BadInputException when {@code pipeline = on} with more than one shard.
     */
    public Consistency checkServers(final int servers)
    {
        if (pipeline == Pipeline.ON && servers > 1)
        {
            throw new BadInputException(ClusterSettings.PATH + ".pipeline = on is not supported with " + servers +
                " server shards yet; use pipeline = off, or servers = 1");
        }
        return this;
    }

    /**
     * @param shards the job's parameter-server shards.
     * @return the steps the server keeps ordered per worker: 2 when ssp or async is pipelined (with one server),
     * else 1.
     */
    public int window(final int shards)
    {
        return appliesOnArrival(mode) && pipeline == Pipeline.ON && shards == 1 ? 2 : 1;
    }

    /**
     * Checks {@code backup-workers} against the job's worker count, where that count is known (the parameter server,
     * a launcher): a worker node does not know it.
     *
     * @param workers the job's worker count.
     * @return this.
     * @throws BadInputException when {@code backup-workers} is not below it.
     */
    public Consistency checkWorkers(final int workers)
    {
        if (backupWorkers >= workers)
        {
            throw new BadInputException(ClusterSettings.PATH + ".backup-workers = " + backupWorkers + " must be below the " +
                workers + " workers (0.." + (workers - 1) + "): a step needs at least one gradient");
        }
        return this;
    }

    /**
     * @param delivered complete gradients in for a step.
     * @param expected  gradients the step still expects or has (live, ordered, not refused).
     * @return true when the step may close now: all are in, or (backup) all but b.
     */
    public boolean mayClose(final int delivered, final int expected)
    {
        return delivered >= Math.max(1, expected - backupWorkers) || delivered >= expected;
    }

    /** @return what every node of a job must agree on, e.g. {@code backup (backup-workers = 1)}. */
    public String label()
    {
        return switch (mode)
        {
            case BACKUP -> "backup (backup-workers = " + backupWorkers + ")";
            case SSP -> "ssp (staleness = " + staleness + pipelineLabel(", ") + ")";
            case ASYNC -> mode.label() + (pipeline == Pipeline.OFF ? "" : " (" + pipelineLabel("") + ")");
            default -> mode.label();
        };
    }

    private String pipelineLabel(final String before)
    {
        return pipeline == Pipeline.OFF ? "" : before + "pipeline = " + pipeline.label();
    }

    private static int nonNegative(final Config c, final String path, final String key)
    {
        final int value;
        try
        {
            value = c.getInt(key);
        }
        catch (final ConfigException ex)
        {
            throw new BadInputException(path + "." + key + " must be an integer: " + ex.getMessage());
        }
        if (value < 0)
        {
            throw new BadInputException(path + "." + key + " = " + value + " is out of range; allowed: 0 or more");
        }
        return value;
    }
}
