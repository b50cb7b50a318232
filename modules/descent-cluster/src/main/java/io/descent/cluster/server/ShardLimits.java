package io.descent.cluster.server;

import io.descent.cluster.ClusterSettings;
import io.descent.nn.error.BadInputException;
import io.descent.train.JobConfig;

/**
 * What parameter-server shards ({@code descent.cluster.servers > 1}) do not support yet, refused at start with one
 * line (exit 2) rather than run half-working: checkpoints by time (the shards checkpoint the same steps, by
 * {@code every-steps}). Gradient-norm clipping is supported: under {@code sync} and {@code backup} the shards sum
 * their parts of each step's norm ({@link NormExchange}); under {@code ssp} and {@code async} each gradient is applied
 * alone on arrival and clipped by the norm its worker reports with it
 * ({@link io.descent.cluster.protocol.GradientMeta#squares()}). Backup workers are supported: the coordinator picks
 * each step's ranks and every shard closes the step on them ({@code StepClose.follow}). A lost worker is dropped from
 * every shard's orders from the same step ({@link StepLoop#drop}, {@link StepLoop#leave}) and a joining worker ordered
 * from the same step ({@link StepLoop#admit}, {@link StepLoop#join}); a lost shard stops the servers, the workers wait
 * for a restart with --resume ({@link ParameterServer}). Stateless.
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
    }
}
