package io.descent.cluster.protocol;

import java.util.Arrays;

/**
 * Where a worker finds each parameter-server shard's range ({@code descent.cluster.servers}): the range boundaries
 * ({@link io.descent.cluster.plan.ServerShardPlan#bounds()}) and the data-plane endpoint of every shard but the
 * coordinator (shard 0, whose endpoint is {@link ServerProtocol.Accepted#serverEndpoint()}). Empty for a single
 * server: then the server holds the whole vector. Immutable by convention (the arrays are not changed after
 * construction); travels in {@link ServerProtocol.Accepted}.
 *
 * @param bounds    {@code S + 1} float offsets from 0 to the parameter count, or empty for one server.
 * @param endpoints the data-plane endpoints of shards {@code 1 .. S - 1}, in shard order.
 */
public record ShardMap(long[] bounds, String[] endpoints)
{
    /** The map of a job with one parameter server. */
    public static final ShardMap SINGLE = new ShardMap(new long[0], new String[0]);

    /**
     * The Aeron session of one shard's publication, from a block the coordinator handed out: a worker is told two
     * bases ({@link ServerProtocol.Accepted#workerSession()}, {@link ServerProtocol.Accepted#serverSession()}), and
     * its publication to shard I, and shard I's to it, use base + I. Every session of one incarnation is thus
     * distinct: no two publications under its key share an AES-GMAC nonce prefix.
     *
     * @param base  the block's first session, or 0 for none (no MAC: the data plane chooses).
     * @param shard the shard, 0 .. S − 1.
     * @return the session, or 0 for none.
     */
    public static int session(final int base, final int shard)
    {
        return 0 == base ? 0 : base + shard;
    }

    /** @return the number of shards: 1 for a single server. */
    public int shards()
    {
        return bounds.length == 0 ? 1 : bounds.length - 1;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ShardMap map && Arrays.equals(bounds, map.bounds) &&
            Arrays.equals(endpoints, map.endpoints);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(bounds) + Arrays.hashCode(endpoints);
    }

    @Override
    public String toString()
    {
        return "ShardMap" + Arrays.toString(bounds) + Arrays.toString(endpoints);
    }
}
