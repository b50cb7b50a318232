package io.descent.cluster.server;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The coordinator's sums of the shards' parts of each step's global gradient norm, for gradient-norm clipping with
 * parameter-server shards: every shard reports the squared L2 norm of its range of the step's averaged gradient
 * ({@link io.descent.cluster.protocol.ServerProtocol.ShardNorm}, the coordinator's own from its step loop), and once
 * all S are in their sum goes to every shard. The sum runs in shard order, whatever the arrival order, so it is the
 * same number every run. A shard can be at most one step ahead of another (none applies a step before the sum of
 * that step), so at most two steps are open at a time. Confined to the parameter server's actor.
 */
final class NormExchange
{
    private final int shards;
    private final TreeMap<Long, double[]> open = new TreeMap<>();

    /** @param shards the number of parameter-server shards. */
    NormExchange(final int shards)
    {
        this.shards = shards;
    }

    /**
     * Notes one shard's part of a step's norm.
     *
     * @param shard   the shard, 0 .. S − 1.
     * @param step    the step.
     * @param squares its range's squared L2 norm (NaN or infinite when its range is not finite).
     * @return the step's global squared norm once every shard's part is in, else empty. A non-finite part makes a
     *         non-finite sum, which every shard then treats as a diverged gradient.
     * @throws IllegalArgumentException for a shard index out of range or a part told twice.
     */
    OptionalDouble add(final int shard, final long step, final double squares)
    {
        if (shard < 0 || shard >= shards)
        {
            throw new IllegalArgumentException("shard " + shard + " is not one of 0.." + (shards - 1));
        }
        final double[] parts = open.computeIfAbsent(step, s ->
        {
            final double[] fresh = new double[shards];
            Arrays.fill(fresh, -1.0);
            return fresh;
        });
        if (parts[shard] != -1.0)
        {
            throw new IllegalArgumentException("shard " + shard + " told its norm of step " + step + " twice");
        }
        // A norm is never -1: the marker stands for "not yet in", NaN for a part that is not finite.
        parts[shard] = squares;
        double sum = 0.0;
        for (final double part : parts)
        {
            if (part == -1.0)
            {
                return OptionalDouble.empty();
            }
            sum += part;
        }
        open.remove(step);
        return OptionalDouble.of(sum);
    }

    /** @return the steps with parts still missing. */
    int openSteps()
    {
        return open.size();
    }
}
