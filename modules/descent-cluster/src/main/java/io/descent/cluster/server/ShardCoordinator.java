package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.ActorContext;
import io.descent.cluster.dataplane.DataPlane;
import io.descent.cluster.ClusterSettings;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.SenderId;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.ServerProtocol.RegisterShard;
import io.descent.cluster.protocol.ServerProtocol.ToShard;
import io.descent.cluster.protocol.ShardMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The coordinator's (shard 0's) books of the other parameter-server shards: takes each one in once (its index, the
 * shard count, its model and job), tells it the range boundaries and the incarnation, counts them ready, starts them
 * with the workers' endpoints, sums their parts of each step's global gradient norm when clipping
 * ({@link #norm}), tells them a lost or joining worker and counts their acknowledgements ({@link #dropRank},
 * {@link #admitRank}, {@link #acknowledged}) and tells them the end of the job. The coordinator opens to workers
 * only once every shard is ready ({@link #allReady()}), so every worker is told every shard's endpoint
 * ({@link #map()}), and keeps each shard's counters after the last step for the report ({@link #stats()}). Confined
 * to the parameter server's actor.
 */
final class ShardCoordinator
{
    /** The coordinator learns that a shard's actor terminated (death watch). */
    record ShardTerminated(int shard) implements ParameterServer.PrivateCommand
    {
    }

    private final ActorContext<ServerProtocol.Command> context;
    private final int shards;
    private final ActorRef<ToShard>[] refs;
    private final String[] endpoints;
    private final boolean[] ready;
    private final NormExchange norms;
    /** Each other shard's counters after its last step, by index (slot 0 unused). */
    private final ServerProtocol.ShardStats[] stats;
    /** Drops and joins told to the other shards and not yet acknowledged by all, with the shards that did. */
    private final List<PendingChange> changes = new ArrayList<>();

    /** A drop or join the other shards were told, and which of them acknowledged it (by index). */
    private record PendingChange(boolean join, int rank, long step, boolean[] acknowledged)
    {
        boolean complete()
        {
            for (int shard = 1; shard < acknowledged.length; shard++)
            {
                if (!acknowledged[shard])
                {
                    return false;
                }
            }
            return true;
        }
    }

    @SuppressWarnings("unchecked")
    ShardCoordinator(final ActorContext<ServerProtocol.Command> context, final int shards)
    {
        this.context = context;
        this.shards = shards;
        this.refs = new ActorRef[shards];
        this.endpoints = new String[shards];
        this.ready = new boolean[shards];
        this.norms = new NormExchange(shards);
        this.stats = new ServerProtocol.ShardStats[shards];
        ready[0] = true;
    }

    /** Keeps a registered shard's counters; @return false for an unknown index. */
    boolean stats(final ServerProtocol.ShardStats shardStats)
    {
        final int shard = shardStats.shard();
        if (shard < 1 || shard >= shards || null == refs[shard])
        {
            return false;
        }
        stats[shard] = shardStats;
        return true;
    }

    /** @return true when every other shard's counters are in (always for one server). */
    boolean allStatsIn()
    {
        for (int shard = 1; shard < shards; shard++)
        {
            if (null == stats[shard])
            {
                return false;
            }
        }
        return true;
    }

    /** @return shards 1 .. S − 1's counters by index from 0 (null where missing); empty for one server. */
    List<ServerProtocol.ShardStats> stats()
    {
        return Arrays.asList(Arrays.copyOfRange(stats, 1, shards));
    }

    /** @return true when the job has more than one shard. */
    boolean sharded()
    {
        return shards > 1;
    }

    /**
     * Takes a shard in, or refuses it (one line, to the shard) when the coordinator is not ready, the index or count
     * is not this job's, the index is taken, or its model or job differ.
     */
    void register(final RegisterShard register, final ServerEngine engine)
    {
        String refusal = null == engine ? "the coordinator is not ready" :
            engine.identity().mismatch(register.identity());
        if (register.shards() != shards)
        {
            refusal = "the shard was started with --shards " + register.shards() + ", the coordinator runs " +
                shards + " (descent.cluster.servers)";
        }
        else if (register.shard() < 1 || register.shard() >= shards)
        {
            refusal = "shard index " + register.shard() + " is not one of 1.." + (shards - 1);
        }
        else if (null != refs[register.shard()] && !refs[register.shard()].equals(register.replyTo()))
        {
            refusal = "shard " + register.shard() + " is taken by " + refs[register.shard()].path();
        }
        else if (null != engine && null == refusal)
        {
            refusal = agreement(register, engine);
        }
        if (null != refusal)
        {
            context.getLog().warn("refused server shard {} on {} pid {}: {}", register.shard(), register.host(),
                register.pid(), refusal);
            register.replyTo().tell(new ServerProtocol.Refused(refusal));
            return;
        }
        final int shard = register.shard();
        if (null == refs[shard])
        {
            refs[shard] = register.replyTo();
            endpoints[shard] = register.endpoint();
            context.watchWith(register.replyTo(), new ShardTerminated(shard));
            context.getLog().info("server shard {} registered from {} pid {} (data plane {})", shard,
                register.host(), register.pid(), register.endpoint());
        }
        register.replyTo().tell(new ServerProtocol.ShardAccepted(context.getSelf(), engine.identity().incarnation(),
            engine.shardPlan().bounds(), endpoints[0], null == engine.resumed() ? -1 : engine.resumed().step(),
            engine.dataPlane().label()));
    }

    /**
     * @return null when the shard proves the cluster key and runs this job's data-plane MAC, consistency and
     * compression, else a one-line reason (the key first: a shard that cannot prove it learns nothing else).
     */
    private String agreement(final RegisterShard register, final ServerEngine engine)
    {
        final ClusterSettings settings = engine.settings();
        final String node = "server shard " + register.shard();
        final RegistrationClaim claim = RegistrationClaim.ofShard(ActorRefResolver.get(context.getSystem()),
            context.getSelf(), register.replyTo(), register.endpoint(), register.identity(), register.host(),
            register.pid(), register.shard());
        String refusal = settings.key().refusal(claim, register.proof(), node);
        if (null == refusal)
        {
            refusal = DataPlaneAuth.refusal(engine.dataPlane(), register.dataPlane(), node);
        }
        if (null == refusal)
        {
            refusal = settings.consistencyRefusal(register.consistency(), node);
        }
        return null == refusal ? settings.compressionRefusal(register.compression(), node) : refusal;
    }

    /** Notes the coordinator's own data-plane endpoint (shard 0's). */
    void coordinatorEndpoint(final String endpoint)
    {
        endpoints[0] = endpoint;
    }

    /** @return true when the shard is a registered one now ready; false for an unknown index. */
    boolean ready(final int shard)
    {
        if (shard < 1 || shard >= shards || null == refs[shard])
        {
            return false;
        }
        ready[shard] = true;
        return true;
    }

    /** @return true once every shard built its state. */
    boolean allReady()
    {
        for (final boolean each : ready)
        {
            if (!each)
            {
                return false;
            }
        }
        return true;
    }

    /** @return the number of shards ready, the coordinator included. */
    int readyCount()
    {
        int count = 0;
        for (final boolean each : ready)
        {
            count += each ? 1 : 0;
        }
        return count;
    }

    /** @return the shards' ranges and endpoints, for the workers ({@link ShardMap#SINGLE} for one server). */
    ShardMap map(final ServerEngine engine)
    {
        if (!sharded())
        {
            return ShardMap.SINGLE;
        }
        final String[] others = new String[shards - 1];
        System.arraycopy(endpoints, 1, others, 0, shards - 1);
        return new ShardMap(engine.shardPlan().bounds(), others);
    }

    /**
     * Gradient-norm clipping: notes a shard's part of a step's global norm ({@link NormExchange}); once every shard's
     * part is in, tells the other shards the global squared norm ({@link ServerProtocol.GlobalNorm}).
     *
     * @param shard   the shard, 0 for the coordinator's own part.
     * @param step    the step.
     * @param squares the shard's part.
     * @return the step's global squared norm once complete, for the coordinator's own step loop; else empty (also
     *         for a part that names no registered shard or comes twice: logged and ignored).
     */
    OptionalDouble norm(final int shard, final long step, final double squares)
    {
        if (shard < 0 || shard >= shards || (shard > 0 && null == refs[shard]))
        {
            context.getLog().warn("ignored the gradient norm of step {} from server shard {}: no such shard", step,
                shard);
            return OptionalDouble.empty();
        }
        final OptionalDouble total;
        try
        {
            total = norms.add(shard, step, squares);
        }
        catch (final IllegalArgumentException ex)
        {
            context.getLog().warn("ignored a gradient norm: {}", ex.getMessage());
            return OptionalDouble.empty();
        }
        if (total.isPresent())
        {
            tell(new ServerProtocol.GlobalNorm(step, total.getAsDouble()));
        }
        return total;
    }

    /** A backup step: tells every other shard the ranks the coordinator closed {@code step} on. */
    void closedOn(final long step, final int[] ranks)
    {
        tell(new ServerProtocol.StepClosedOn(step, ranks));
    }

    /**
     * Starts every shard's steps: the workers ({@link ServerProtocol.ShardStart#endpoints()}, by rank) are all armed
     * for the first. While authenticating, first binds each shard's epoch-end ranges to the session it will send
     * them on ({@link ServerProtocol.ShardStart#rangeSession()}) on the coordinator's data plane.
     */
    void start(final ServerProtocol.ShardStart start, final DataPlane plane)
    {
        if (0 != start.rangeSession())
        {
            for (int shard = 1; shard < shards; shard++)
            {
                plane.bindSender(SenderId.server(shard), ShardMap.session(start.rangeSession(), shard));
            }
        }
        tell(start);
    }

    /**
     * Tells every other shard that {@code rank} is out of the orders from {@code step} on ({@link
     * ServerProtocol.DropRank}); {@link #acknowledged} counts their answers.
     */
    void dropRank(final int rank, final long step)
    {
        changes.add(new PendingChange(false, rank, step, new boolean[shards]));
        tell(new ServerProtocol.DropRank(rank, step));
    }

    /**
     * Tells every other shard that a worker joins in {@code admit.rank()}'s place at {@code admit.step()} ({@link
     * ServerProtocol.AdmitRank}); {@link #acknowledged} counts their answers.
     */
    void admitRank(final ServerProtocol.AdmitRank admit)
    {
        changes.add(new PendingChange(true, admit.rank(), admit.step(), new boolean[shards]));
        tell(admit);
    }

    /**
     * Notes a shard's acknowledgement of a drop ({@code join} false) or a join.
     *
     * @return true when it completed that change: every other shard acknowledged it (each change once); false for an
     *         acknowledgement of no pending change or from no registered shard (logged and ignored).
     */
    boolean acknowledged(final boolean join, final int shard, final int rank, final long step)
    {
        for (final PendingChange change : changes)
        {
            if (change.join() == join && change.rank() == rank && change.step() == step && shard >= 1 &&
                shard < shards && null != refs[shard])
            {
                change.acknowledged()[shard] = true;
                if (change.complete())
                {
                    changes.remove(change);
                    return true;
                }
                return false;
            }
        }
        context.getLog().warn("ignored server shard {}'s acknowledgement of {} rank {} at step {}: no such change " +
            "is pending", shard, join ? "admitting" : "dropping", rank, step);
        return false;
    }

    /** Tells every shard the end of the job. */
    void finish(final ServerProtocol.Finish finish)
    {
        tell(finish);
    }

    private void tell(final ToShard message)
    {
        for (int shard = 1; shard < shards; shard++)
        {
            if (null != refs[shard])
            {
                refs[shard].tell(message);
            }
        }
    }
}
