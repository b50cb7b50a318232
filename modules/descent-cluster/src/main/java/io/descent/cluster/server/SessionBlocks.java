package io.descent.cluster.server;

/**
 * Hands out the Aeron session ids of one incarnation of the parameter server in blocks of consecutive ids, one id per
 * server shard ({@link io.descent.cluster.protocol.ShardMap#session}): no id twice, and never 0 (no session), so no
 * two publications under the incarnation's key share an AES-GMAC nonce prefix. Starts at a random id, so that
 * sessions differ across incarnations too. Confined to the parameter server's actor.
 */
final class SessionBlocks
{
    private int last;

    /** @param start the id before the first one handed out (random in production). */
    SessionBlocks(final int start)
    {
        this.last = start;
    }

    /**
     * @param count how many ids, at most {@link io.descent.cluster.ClusterSettings#MAX_SERVERS}.
     * @return the first of {@code count} consecutive ids after the last block; a block never wraps past
     * {@link Integer#MAX_VALUE} and never holds 0.
     */
    int reserve(final int count)
    {
        int first = last + 1;
        if ((long)first + count - 1 > Integer.MAX_VALUE)
        {
            first = Integer.MIN_VALUE;
        }
        if (first <= 0 && first + count - 1 >= 0)
        {
            first = 1;
        }
        last = first + count - 1;
        return first;
    }
}
