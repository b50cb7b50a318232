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
 * t − s − 1 are applied; {@link Mode#ASYNC} applies each on arrival with no bound. Immutable.
 *
 * @param mode          the model.
 * @param backupWorkers b: gradients a backup step may close without (0 ≤ b &lt; workers); 0 unless {@code backup}.
 * @param staleness     s: how many steps a worker may run ahead under {@code ssp}; 0 unless {@code ssp}.
 */
public record Consistency(Mode mode, int backupWorkers, int staleness)
{
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
        return new Consistency(mode, mode == Mode.BACKUP ? backup : 0, mode == Mode.SSP ? staleness : 0);
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
            case SSP -> "ssp (staleness = " + staleness + ")";
            default -> mode.label();
        };
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
