package io.descent.cluster.protocol;

/**
 * Data-plane sender ids, the sender field of every chunk header and message id: a worker sends as its rank
 * ({@code 0 .. workers - 1}), the parameter server as {@link #SERVER} (shard I of several as {@link #server}). Both sides name the server's id when they arm
 * for or publish weights and step orders, so it lives here, not in either actor.
 */
public final class SenderId
{
    /** The data-plane sender id of the parameter server (above every rank). */
    public static final int SERVER = Integer.MAX_VALUE;

    /**
     * @param shard a parameter-server shard's index, 0 .. S − 1 ({@code descent.cluster.servers}).
     * @return the data-plane sender id of that shard: {@link #SERVER} for the coordinator (shard 0, and a single
     * server), one less per shard after it, so a receiver binds each shard's chunks to that shard's own session.
     */
    public static int server(final int shard)
    {
        return SERVER - shard;
    }

    private SenderId()
    {
    }
}
