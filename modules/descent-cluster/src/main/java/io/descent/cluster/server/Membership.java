package io.descent.cluster.server;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.ActorContext;
import io.descent.cluster.protocol.ClusterKey;
import io.descent.cluster.protocol.DataPlaneAuth;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.ServerProtocol;
import io.descent.cluster.protocol.ShardMap;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Who is in the job, as the parameter server decides it: admits registering workers (proof of the same cluster key,
 * same model and configuration, a data-plane endpoint the server's plane accepts; a free rank before the job starts,
 * a lost rank once it runs), completes the handshake of a worker joining a running job, and drops lost workers.
 * Replies go straight to the workers; data-plane connections are opened and closed on the compute thread through
 * {@code compute}. A worker is accepted only once its outlet is open ({@link Connected}): one that cannot be opened
 * is refused, alone, and its rank is free again. Actor-confined: called from the server's handlers only.
 */
final class Membership
{
    /**
     * The compute thread opened (or failed to open) the outlet to a registering worker.
     *
     * @param worker  the ref it registered with.
     * @param rank    the rank it was given.
     * @param failure null when the outlet is open, else why not (one line).
     */
    record Connected(ActorRef<ServerProtocol.ToWorker> worker, int rank, String failure)
        implements ParameterServer.PrivateCommand
    {
    }

    private final ActorContext<ServerProtocol.Command> context;
    private final ServerSetup setup;
    private final Supplier<ServerEngine> engine;
    private final Roster roster;
    private final JobObserver observer;
    private final BiConsumer<Runnable, String> compute;
    private final List<Integer> lostRanks = new ArrayList<>();
    /** Ranks whose outlet is being opened: their worker is answered when it is. */
    private final BitSet connecting = new BitSet();
    private final JoinMargin margin;
    /** The Aeron session ids handed out; they start at random, so that sessions differ across incarnations too. */
    private final SessionBlocks sessions = new SessionBlocks(java.util.concurrent.ThreadLocalRandom.current().nextInt());

    /**
     * @param context  the server's context (log, watch, self).
     * @param setup    the server's setup (its data-plane endpoint).
     * @param engine   the server's engine once built (identity, first step, connections).
     * @param roster   the workers by rank.
     * @param observer told of refusals, joins and losses.
     * @param compute  runs a task on the compute thread; the string says what it does.
     */
    /** Where workers find the parameter-server shards; {@link ShardMap#SINGLE} for one server. */
    private ShardMap shards = ShardMap.SINGLE;

    Membership(
        final ActorContext<ServerProtocol.Command> context,
        final ServerSetup setup,
        final Supplier<ServerEngine> engine,
        final Roster roster,
        final JobObserver observer,
        final BiConsumer<Runnable, String> compute)
    {
        this.context = context;
        this.setup = setup;
        this.engine = engine;
        this.roster = roster;
        this.observer = observer;
        this.compute = compute;
        this.margin = new JoinMargin(setup.settings().joinMarginSteps());
        if (setup.settings().key().present())
        {
            context.getLog().info("workers must prove the cluster key from {}; data-plane chunks carry {}",
                setup.settings().key().source(), setup.settings().dataPlane().label());
        }
        else
        {
            context.getLog().warn("no cluster key ({} or descent.cluster.key): any process that can reach this " +
                "parameter server can register as a worker", ClusterKey.ENV);
        }
    }

    /**
     * Admits or refuses a registering worker.
     *
     * @param register the registration.
     * @param training  true once the job runs: only a lost rank can be taken, some steps after {@code nextOrder}.
     * @param nextOrder the first step whose orders are not out yet.
     */
    void register(final ServerProtocol.Register register, final boolean training, final long nextOrder)
    {
        final long joinStep = nextOrder + margin.steps(0);
        final ServerEngine server = engine.get();
        // The key first: a worker that cannot prove it learns nothing about this job from the reason.
        String mismatch = keyRefusal(register);
        if (null == mismatch)
        {
            mismatch = dataPlaneRefusal(register);
        }
        if (null == mismatch)
        {
            mismatch = consistencyRefusal(register);
        }
        if (null == mismatch)
        {
            mismatch = compressionRefusal(register);
        }
        if (null == mismatch)
        {
            mismatch = null == server ? "the parameter server is not ready" :
                server.identity().mismatch(register.identity());
        }
        if (null == mismatch)
        {
            mismatch = setup.plane().validate(register.endpoint());
        }
        if (null != mismatch)
        {
            refuse(register, mismatch);
            return;
        }
        final int existing = roster.rankOf(register.replyTo());
        if (existing >= 0)
        {
            if (!connecting.get(existing))
            {
                register.replyTo().tell(accepted(existing));
            }
            return;
        }
        if (training && joinStep >= setup.plan().totalSteps())
        {
            refuse(register, tooLate(joinStep, joinStep - nextOrder));
            return;
        }
        final Roster.Member member = new Roster.Member(
            register.replyTo(), register.endpoint(), register.host(), register.pid());
        final int rank = training ? roster.replaceLost(member, register.rank()) :
            roster.add(member, register.rank());
        if (rank < 0)
        {
            refuse(register, training ? "the job is running with all its " + roster.size() + " workers; a worker " +
                "can join a running job only in place of a lost one" : "the job already has " + roster.size() +
                " workers");
            return;
        }
        if (training)
        {
            member.live = false;
            member.joinStep = joinStep;
        }
        context.watchWith(register.replyTo(), new ParameterServer.WorkerStopped(register.replyTo()));
        final String endpoint = register.endpoint();
        final ActorRef<ServerProtocol.Command> self = context.getSelf();
        final ActorRef<ServerProtocol.ToWorker> worker = register.replyTo();
        if (setup.settings().dataPlane().authenticates())
        {
            // Sessions unique within this incarnation: the rank's chunks count only on its own, and no two senders
            // under this incarnation's key share an AES-GMAC nonce prefix. One per server shard and direction
            // (ShardMap.session); the coordinator's are the blocks' first.
            member.workerSession = reserveSessions(setup.settings().servers());
            member.serverSession = reserveSessions(setup.settings().servers());
            setup.plane().bindSender(rank, member.workerSession);
        }
        final int serverSession = member.serverSession;
        connecting.set(rank);
        compute.accept(() -> self.tell(new Connected(worker, rank, server.connect(rank, endpoint, serverSession))),
            "connecting to worker " + rank);
    }

    /**
     * Answers a registering worker once the compute thread has tried to open its outlet: accepted when it is open;
     * else refused with the reason, and its rank is free again (a lost rank stays lost, for another worker to take).
     * Nothing is answered to a worker that left meanwhile.
     */
    void connected(final Connected connected)
    {
        final int rank = connected.rank();
        final Roster.Member member = roster.get(rank);
        if (null == member || !member.ref.equals(connected.worker()))
        {
            return;
        }
        connecting.clear(rank);
        if (null == connected.failure())
        {
            member.ref.tell(accepted(rank));
            context.getLog().info("worker rank {} registered{}: {} pid {}, data plane {}", rank,
                member.joinStep >= 0 ? " to join at step " + member.joinStep + " (" + describeMargin(margin.steps(0)) + ")" : "",
                member.host, member.pid, member.endpoint);
            return;
        }
        context.unwatch(member.ref);
        if (member.joinStep >= 0)
        {
            member.joinStep = -1;
        }
        else
        {
            roster.remove(rank);
        }
        refuse(member.ref, member.host, member.pid, connected.failure());
    }

    /**
     * @param count how many sessions (at most {@link io.descent.cluster.ClusterSettings#MAX_SERVERS}).
     * @return the first of {@code count} consecutive Aeron session ids not handed out before in this incarnation
     * ({@link SessionBlocks}).
     */
    int reserveSessions(final int count)
    {
        return sessions.reserve(count);
    }

    /** @return null when the worker authenticates the data plane as this server does, else a one-line reason. */
    private String dataPlaneRefusal(final ServerProtocol.Register register)
    {
        return DataPlaneAuth.refusal(setup.settings().dataPlane(), register.dataPlane(), "the worker");
    }

    /** @return null when the worker runs the server's consistency model, else a one-line reason. */
    private String consistencyRefusal(final ServerProtocol.Register register)
    {
        return setup.settings().consistencyRefusal(register.consistency(), "the worker");
    }

    /** @return null when the worker encodes its gradients as the server decodes them, else a one-line reason. */
    private String compressionRefusal(final ServerProtocol.Register register)
    {
        return setup.settings().compressionRefusal(register.compression(), "the worker");
    }

        private String keyRefusal(final ServerProtocol.Register register)
    {
        final RegistrationClaim claim = RegistrationClaim.of(ActorRefResolver.get(context.getSystem()),
            context.getSelf(), register.replyTo(), register.endpoint(), register.identity(), register.host(),
            register.pid(), register.rank());
        return setup.settings().key().refusal(claim, register.proof());
    }

    private void refuse(final ServerProtocol.Register register, final String reason)
    {
        refuse(register.replyTo(), register.host(), register.pid(), reason);
    }

    private void refuse(
        final ActorRef<ServerProtocol.ToWorker> worker, final String host, final long pid, final String reason)
    {
        context.getLog().warn("refused worker on {} pid {}: {}", host, pid, reason);
        observer.onRefused(host, pid, reason);
        worker.tell(new ServerProtocol.Refused(reason));
    }

    private String describeMargin(final long steps)
    {
        return "a margin of " + steps + " steps over a control round trip of " + margin.roundTripNanos() / 1_000 +
            " µs at " + margin.stepNanos() / 1_000 + " µs per step";
    }

    private String tooLate(final long joinStep, final long marginSteps)
    {
        return "the job ends at step " + setup.plan().totalSteps() + ", before a joining worker could start (at " +
            "step " + joinStep + ": " + describeMargin(marginSteps) + ")";
    }

    /** Sets where the workers accepted from now on find the parameter-server shards (the coordinator's). */
    void shardMap(final ShardMap map)
    {
        this.shards = map;
    }

    private ServerProtocol.Accepted accepted(final int rank)
    {
        final Roster.Member member = roster.get(rank);
        final ServerEngine server = engine.get();
        member.acceptedNs = System.nanoTime();
        return new ServerProtocol.Accepted(context.getSelf(), rank, roster.size(), setup.plane().endpoint(),
            member.joinStep >= 0 ? member.joinStep : server.startStep(), server.identity().incarnation(),
            member.workerSession, member.serverSession, shards, setup.settings().dataPlane().label());
    }

    /**
     * A registered worker said it is armed for its first step: the time since its Accepted is a control round trip,
     * which the join margin covers from now on.
     */
    void ready(final Roster.Member member)
    {
        if (member.acceptedNs != 0)
        {
            margin.onRoundTrip(System.nanoTime() - member.acceptedNs);
            member.acceptedNs = 0;
        }
    }

    /**
     * The compute thread's answer to a worker joining the running job, armed for {@code joinStep}: the step loop holds
     * its rank out until that step (it goes live when the step is published, see {@link #applied}), or the step's
     * orders were already out and it is told a later step, with twice the margin, to arm for instead. After
     * {@link JoinMargin#MAX_RETRIES} such misses, or when the later step would be past the job's end, it is refused.
     *
     * @param rank     its rank.
     * @param joinStep the step it armed for.
     * @param next     -1 when the step loop holds the rank out until {@code joinStep}, else the first step whose
     *                 orders are not out yet.
     */
    void joinerReady(final int rank, final long joinStep, final long next)
    {
        final Roster.Member member = roster.get(rank);
        if (null == member || member.joinStep != joinStep || member.live || member.admitted)
        {
            return;
        }
        if (next < 0)
        {
            member.admitted = true;
            context.getLog().info("worker rank {} ({} pid {}) armed in time: it joins the job at step {}", rank,
                member.host, member.pid, joinStep);
            observer.onJoinerAdmitted(rank, joinStep);
            return;
        }
        member.joinRetries++;
        final long later = next + margin.steps(member.joinRetries);
        final String refusal = member.joinRetries > JoinMargin.MAX_RETRIES ? "could not join the running job: it " +
            "armed too late for " + member.joinRetries + " join steps in a row (the last was step " + joinStep +
            ", ready at step " + next + ")" : later >= setup.plan().totalSteps() ? tooLate(later, later - next) : null;
        if (null != refusal)
        {
            member.joinStep = -1;
            context.unwatch(member.ref);
            final ServerEngine server = engine.get();
            compute.accept(() -> server.disconnect(rank), "disconnecting worker " + rank);
            context.getLog().warn("refused worker rank {} ({} pid {}): {}; the rank stays lost", rank, member.host,
                member.pid, refusal);
            observer.onRefused(member.host, member.pid, refusal);
            member.ref.tell(new ServerProtocol.Refused(refusal));
            return;
        }
        context.getLog().info("worker rank {} armed for step {} after its orders went out (now at step {}); it is " +
            "told step {} instead (retry {} of {})", rank, joinStep, next, later, member.joinRetries,
            JoinMargin.MAX_RETRIES);
        member.joinStep = later;
        observer.onJoinRetry(rank, joinStep, later);
        member.ref.tell(accepted(rank));
    }

    /**
     * Step {@code step} was applied; when {@code published}, the next step's weights and orders went out, and the
     * workers admitted to join at that step are live from it on.
     */
    void applied(final long step, final boolean published)
    {
        margin.onApplied(step, System.nanoTime());
        if (!published)
        {
            return;
        }
        for (int rank = 0; rank < roster.size(); rank++)
        {
            final Roster.Member member = roster.get(rank);
            if (null != member && member.admitted && member.joinStep <= step + 1)
            {
                member.live = true;
                member.admitted = false;
                context.getLog().info("worker rank {} ({} pid {}) joins the job at step {} after {} retries; shard {} " +
                    "is its own again", rank, member.host, member.pid, member.joinStep, member.joinRetries, rank);
                observer.onWorkerJoined(rank, member.joinStep);
                member.joinStep = -1;
            }
        }
    }

    /** A worker left before the job started: its rank is free again. */
    void leftBeforeStart(final int rank)
    {
        roster.remove(rank);
        final ServerEngine server = engine.get();
        compute.accept(() -> server.disconnect(rank), "disconnecting worker " + rank);
        context.getLog().warn("worker rank {} left before the job started; its rank is free again", rank);
    }

    /**
     * Drops a live worker from the job (a worker still joining just stops joining).
     *
     * @param rank   its rank.
     * @param reason why, for the log and the worker.
     * @param step   the current step, for the log.
     * @return true when a live worker was dropped.
     */
    boolean lose(final int rank, final String reason, final long step)
    {
        final Roster.Member member = roster.get(rank);
        if (null == member || !member.live)
        {
            if (null != member)
            {
                member.joinStep = -1;
                member.admitted = false;
            }
            return false;
        }
        member.live = false;
        lostRanks.add(rank);
        final ServerEngine server = engine.get();
        compute.accept(() -> server.disconnect(rank), "disconnecting worker " + rank);
        final int[] live = roster.liveRanks();
        context.getLog().warn("dropped worker rank {} ({} pid {}) at step {}: {}; its shard goes to rank {} for " +
            "the rest of the job", rank, member.host, member.pid, step, reason,
            live.length == 0 ? "none" : live[rank % live.length]);
        observer.onWorkerLost(rank, reason);
        member.ref.tell(new ServerProtocol.Finish(false, "dropped from the job: " + reason));
        return true;
    }

    /** @return the ranks dropped so far, in order. */
    List<Integer> lostRanks()
    {
        return List.copyOf(lostRanks);
    }
}
