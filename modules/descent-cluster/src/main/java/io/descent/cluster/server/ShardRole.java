package io.descent.cluster.server;

/**
 * Which parameter-server shard a server process is ({@code descent ps --shard I --shards S}): the coordinator
 * (shard 0: membership, step orders, evaluation, checkpoints and the report; with one server it is the whole server)
 * or a follower shard, which holds one range of the weights and optimizer state, takes what the coordinator told it
 * (the range boundaries, its incarnation nonce, its data-plane endpoint) and runs its range's steps. Immutable.
 *
 * @param shard               the index, 0 for the coordinator.
 * @param bounds              the range boundaries the coordinator chose (a follower's), null for the coordinator
 *                            (it cuts the vector itself, {@link io.descent.cluster.plan.ServerShardPlan}).
 * @param incarnation         the coordinator's start nonce (a follower's), 0 for the coordinator (it draws one).
 * @param coordinatorEndpoint the coordinator's data-plane endpoint (a follower's), null for the coordinator.
 * @param resumeStep          the complete checkpoint the coordinator resumed from (a follower loads its part of the
 *                            same step), -1 for a fresh start and for the coordinator (it chooses the step).
 * @param dataPlane           the coordinator's chunk authentication (a follower's; one set to {@code auto} takes it),
 *                            null for the coordinator.
 */
public record ShardRole(
    int shard, long[] bounds, long incarnation, String coordinatorEndpoint, long resumeStep, String dataPlane)
{
    /** A role whose data plane authenticates as the node's settings say. */
    public ShardRole(
        final int shard, final long[] bounds, final long incarnation, final String coordinatorEndpoint,
        final long resumeStep)
    {
        this(shard, bounds, incarnation, coordinatorEndpoint, resumeStep, null);
    }

    /** Shard 0: the coordinator, or the single parameter server. */
    public static final ShardRole COORDINATOR = new ShardRole(0, null, 0, null, -1);

    /** @return true for shard 0. */
    public boolean coordinates()
    {
        return shard == 0;
    }
}
