package io.descent.cluster.protocol;

/**
 * Data-plane sender ids, the sender field of every chunk header and message id: a worker sends as its rank
 * ({@code 0 .. workers - 1}), the parameter server as {@link #SERVER}. Both sides name the server's id when they arm
 * for or publish weights and step orders, so it lives here, not in either actor.
 */
public final class SenderId
{
    /** The data-plane sender id of the parameter server (above every rank). */
    public static final int SERVER = Integer.MAX_VALUE;

    private SenderId()
    {
    }
}
