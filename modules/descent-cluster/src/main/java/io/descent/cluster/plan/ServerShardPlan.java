package io.descent.cluster.plan;

import java.util.Arrays;

/**
 * How the flat parameter vector is cut over the parameter-server shards ({@code descent.cluster.servers}): into
 * contiguous ranges of (nearly) equal bytes, shard {@code i} holding floats {@code [offset(i), offset(i) +
 * length(i))}. Not to be confused with the workers' data shards ({@link StepPlan#shards()}).
 *
 * <p>A range is never below {@code minBytes} (TensorFlow's ParameterServerStrategy keeps at least 256 KB a shard):
 * a model too small for the servers asked gets fewer shards ({@link #shards()} below {@link #requested()}). Every
 * boundary but the last falls on a multiple of {@link #ALIGN_FLOATS}, so a shard's BLAS kernels (folding, the
 * optimizer) see its floats at the same vector alignment as the unsharded vector does: the arithmetic, element by
 * element, is the same. A pure function of its arguments; immutable and thread-safe.
 */
public final class ServerShardPlan
{
    /** The default floor of a shard's range, {@code descent.cluster.shard-min-bytes}: 256 KiB. */
    public static final long DEFAULT_MIN_BYTES = 256L * 1024;
    /** Boundaries fall on multiples of this many floats (4 KiB). */
    public static final int ALIGN_FLOATS = 1024;

    private final int requested;
    private final long[] bounds;

    private ServerShardPlan(final int requested, final long[] bounds)
    {
        this.requested = requested;
        this.bounds = bounds;
    }

    /**
     * @param floats   the model's parameter count, ≥ 1.
     * @param servers  the shards asked for, ≥ 1.
     * @param minBytes the smallest range in bytes, ≥ {@code 4 · ALIGN_FLOATS}.
     * @return the plan: {@code min(servers, floats · 4 / minBytes)} shards, at least 1.
     */
    public static ServerShardPlan of(final long floats, final int servers, final long minBytes)
    {
        if (floats < 1 || servers < 1 || minBytes < (long)ALIGN_FLOATS * Float.BYTES)
        {
            throw new IllegalArgumentException("need floats >= 1, servers >= 1, minBytes >= " +
                ALIGN_FLOATS * Float.BYTES + ": floats=" + floats + " servers=" + servers + " minBytes=" + minBytes);
        }
        final long fit = Math.max(1, floats * Float.BYTES / minBytes);
        final int shards = (int)Math.min(servers, fit);
        final long blocks = (floats + ALIGN_FLOATS - 1) / ALIGN_FLOATS;
        final long[] bounds = new long[shards + 1];
        for (int i = 1; i < shards; i++)
        {
            // Whole blocks, spread as evenly as they go: the first (blocks % shards) ranges get one block more.
            bounds[i] = Math.min(floats, (blocks * i / shards) * ALIGN_FLOATS);
        }
        bounds[shards] = floats;
        return new ServerShardPlan(servers, bounds);
    }

    /**
     * @param bounds {@code shards + 1} increasing offsets from 0 to the parameter count, as {@link #bounds()} gave.
     * @return the plan they describe (e.g. as a coordinator told a worker).
     */
    public static ServerShardPlan ofBounds(final long[] bounds)
    {
        if (bounds.length < 2 || bounds[0] != 0)
        {
            throw new IllegalArgumentException("shard bounds must start at 0 and name at least one range: " +
                Arrays.toString(bounds));
        }
        for (int i = 1; i < bounds.length; i++)
        {
            if (bounds[i] <= bounds[i - 1])
            {
                throw new IllegalArgumentException("shard bounds must increase: " + Arrays.toString(bounds));
            }
        }
        return new ServerShardPlan(bounds.length - 1, bounds.clone());
    }

    /** @return the number of shards (ranges), ≥ 1. */
    public int shards()
    {
        return bounds.length - 1;
    }

    /** @return the number of shards asked for; above {@link #shards()} when the model is too small for them. */
    public int requested()
    {
        return requested;
    }

    /** @return the first float of shard {@code i}'s range. */
    public long offset(final int shard)
    {
        return bounds[shard];
    }

    /** @return the floats in shard {@code i}'s range. */
    public int length(final int shard)
    {
        return Math.toIntExact(bounds[shard + 1] - bounds[shard]);
    }

    /** @return the parameter count. */
    public long floats()
    {
        return bounds[bounds.length - 1];
    }

    /** @return a copy of the {@code shards + 1} range boundaries, from 0 to the parameter count. */
    public long[] bounds()
    {
        return bounds.clone();
    }

    @Override
    public String toString()
    {
        return shards() + " shard(s) over " + floats() + " floats: " + Arrays.toString(bounds);
    }
}
