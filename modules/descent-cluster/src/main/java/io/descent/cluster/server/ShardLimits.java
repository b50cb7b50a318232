package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.cluster.Consistency;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;

/**
 * What parameter-server shards ({@code descent.cluster.servers > 1}) do not support yet, refused at start with one
 * line each (exit 2) rather than run half-working: checkpoints by time (the shards checkpoint the same steps, by
 * {@code every-steps}) and, under {@code ssp} and {@code async}, gradient-norm clipping (each gradient is applied
 * alone on arrival: clipping it by its global norm would take a round of the shards' norms per gradient). Backup
 * workers are supported: the coordinator picks each step's ranks and every shard closes the step on them
 * ({@code StepClose.follow}). A lost
 * worker is dropped from every shard's orders from the same step ({@link StepLoop#drop}, {@link StepLoop#leave}) and a joining worker ordered from the same step
 * ({@link StepLoop#admit}, {@link StepLoop#join}); a lost shard stops the servers, the workers wait for a restart
 * with --resume ({@link ParameterServer}). Stateless.
 */
public final class ShardLimits
{
    private ShardLimits()
    {
    }

    /**
     * @param settings the node's cluster settings.
     * @param job      the job.
     * @param resuming true when the server was asked to resume from checkpoints (supported with shards too: they
     *                 resume from the newest checkpoint all of them completed).
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
        if (settings.checkpoints().enabled() && !settings.checkpoints().every().isZero())
        {
            // Every shard must checkpoint the same steps: one clock per shard would not agree.
            throw new BadInputException("descent.cluster.checkpoint.every = " +
                settings.checkpoints().every().toSeconds() + "s" +
                " (checkpoints by time)" + with + "; use checkpoint.every-steps=K (and every=0s)");
        }
        final Consistency.Mode mode = settings.consistency().mode();
        final double clipNorm = job.train().optimizer().clipNorm();
        if ((mode == Consistency.Mode.SSP || mode == Consistency.Mode.ASYNC) && clipNorm > 0.0)
        {
            throw new BadInputException("train.clip-norm = " + clipNorm + " with descent.cluster.consistency = " +
                mode.label() + with + "; use clip-norm=0, consistency=sync, or one server");
        }
    }
}
