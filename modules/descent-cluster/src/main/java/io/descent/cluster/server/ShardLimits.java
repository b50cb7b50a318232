package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.Consistency;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;

/**
 * What parameter-server shards ({@code descent.cluster.servers > 1}) do not support yet, refused at start with one
 * line each (exit 2) rather than run half-working: checkpoints and resuming, and consistency models other than sync.
 * A lost worker, a joining worker and a lost shard end the job when they happen ({@link ParameterServer}). Stateless.
 */
public final class ShardLimits
{
    private ShardLimits()
    {
    }

    /**
     * @param settings the node's cluster settings.
     * @param job      the job.
     * @param resuming true when the server was asked to resume from checkpoints.
     * @throws BadInputException naming the first setting not yet supported with several shards.
     */
    public static void check(final ClusterSettings settings, final JobConfig job, final boolean resuming)
    {
        final int servers = settings.servers();
        if (servers == 1)
        {
            return;
        }
        final String with = " is not yet supported with descent.cluster.servers = " + servers + " (> 1)";
        if (resuming)
        {
            throw new BadInputException("--resume" + with + "; run with one server");
        }
        if (settings.checkpoints().enabled())
        {
            throw new BadInputException("checkpoints (--checkpoint-dir, descent.cluster.checkpoint.*)" + with +
                "; leave them unset or run with one server");
        }
        if (settings.consistency().mode() != Consistency.Mode.SYNC)
        {
            throw new BadInputException("descent.cluster.consistency = " +
                settings.consistency().mode().label() + with +
                "; use consistency=sync or run with one server");
        }
    }
}
