package io.descent.cluster.protocol;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import io.descent.cluster.dataplane.TransportStats;

import java.util.Arrays;
import java.util.Objects;

/**
 * The parameter server's public protocol, shared by the server and its workers so that neither names the other's
 * actor: what a worker sends the server ({@link Command}: {@link Register}, {@link Ready}, {@link Leave}) and what
 * the server sends a worker ({@link ToWorker}: {@link Accepted}, {@link Refused}, {@link Finish}). The server owns
 * its reply types: a worker receives them through a message adapter onto its own commands.
 *
 * <p>A worker is known by the {@code ActorRef<ToWorker>} it registered with ({@link Register#replyTo()}): it names
 * itself by that ref in {@link Ready} and {@link Leave}, never by a rank, and the server ignores both from a ref
 * it has not admitted. All messages are immutable and travel between nodes through the Kryo serializer
 * ({@link ControlMessage}).
 */
public final class ServerProtocol
{
    /** The Receptionist key workers find the parameter server by. */
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "descent-parameter-server");

    private ServerProtocol()
    {
    }

    /**
     * A message the parameter server handles. Workers send the records of this class; the server's own internal
     * messages (from its timers and compute thread) implement it too, but not {@link ControlMessage}, so they never
     * leave its node.
     */
    public interface Command
    {
    }

    /**
     * A worker asks to join the job.
     *
     * @param replyTo  the worker, for {@link Accepted} or {@link Refused} and every later {@link ToWorker}; also the
     *                 worker's identity in {@link Ready} and {@link Leave}, and the actor the server watches.
     * @param endpoint the worker's data-plane endpoint (weights go there).
     * @param identity its model fingerprint and job configuration digest.
     * @param host     its host name.
     * @param pid      its process id.
     * @param rank     the rank it asks for, or -1 for the lowest free one.
     * @param proof    its cluster-key proof over all of the above ({@link ClusterKey}, {@link RegistrationClaim}),
     *                 empty when it has no key.
     * @param dataPlane how its data plane authenticates chunks ({@link io.descent.transport.wire.ChunkAuth#label()}),
     *                 or {@link DataPlaneAuth#OFFER_AUTO} (it takes the server's MAC); the server refuses a worker
     *                 whose differs from its own ({@link DataPlaneAuth#refusal}).
     * @param consistency its consistency model ({@link io.descent.cluster.Consistency#label()}); the server refuses a
     *                 worker whose differs from its own.
     * @param compression its gradient compression ({@link io.descent.cluster.GradientCompression#label()}); the
     *                 server refuses a worker whose differs from its own.
     */
    public record Register(
        ActorRef<ToWorker> replyTo, String endpoint, JobIdentity identity, String host, long pid, int rank,
        String proof, String dataPlane, String consistency, String compression)
        implements Command, ControlMessage
    {
        /** A registration of a worker that sends its gradients as float32 ({@code compression = none}). */
        public Register(
            final ActorRef<ToWorker> replyTo, final String endpoint, final JobIdentity identity, final String host,
            final long pid, final int rank, final String proof, final String dataPlane, final String consistency)
        {
            this(replyTo, endpoint, identity, host, pid, rank, proof, dataPlane, consistency, "none");
        }

        /** A registration of a worker under the default consistency ({@code sync}). */
        public Register(
            final ActorRef<ToWorker> replyTo, final String endpoint, final JobIdentity identity, final String host,
            final long pid, final int rank, final String proof, final String dataPlane)
        {
            this(replyTo, endpoint, identity, host, pid, rank, proof, dataPlane, "sync");
        }

        /** A registration of a worker whose data plane has no MAC (CRC only). */
        public Register(
            final ActorRef<ToWorker> replyTo, final String endpoint, final JobIdentity identity, final String host,
            final long pid, final int rank, final String proof)
        {
            this(replyTo, endpoint, identity, host, pid, rank, proof,
                io.descent.transport.wire.ChunkAuth.CRC_ONLY.label());
        }
    }

    /**
     * An accepted worker has armed its data plane for the first weights.
     *
     * @param worker the ref it registered with ({@link Register#replyTo()}).
     */
    public record Ready(ActorRef<ToWorker> worker) implements Command, ControlMessage
    {
    }

    /**
     * A worker leaves the job (it cannot continue).
     *
     * @param worker the ref it registered with ({@link Register#replyTo()}).
     * @param reason why, for the log.
     */
    public record Leave(ActorRef<ToWorker> worker, String reason) implements Command, ControlMessage
    {
    }

    /** The Receptionist key parameter-server shards find their coordinator (shard 0) by. */
    public static final ServiceKey<Command> COORDINATOR_KEY =
        ServiceKey.create(Command.class, "descent-parameter-server-coordinator");

    /**
     * A parameter-server shard (1 .. S - 1) asks the coordinator (shard 0) to take part in the job.
     *
     * @param replyTo  the shard, for {@link ShardAccepted}, {@link ShardStart} and {@link Finish}; the coordinator
     *                 watches it.
     * @param shard    its index.
     * @param shards   the number of shards it was started for.
     * @param endpoint its data-plane endpoint (workers' gradient ranges go there).
     * @param identity its model fingerprint and job configuration digest.
     * @param host     its host name.
     * @param pid      its process id.
     * @param dataPlane how its data plane authenticates chunks, or {@link DataPlaneAuth#OFFER_AUTO} (as
     *                 {@link Register#dataPlane()}).
     * @param proof    its cluster-key proof over all of the above ({@link RegistrationClaim#ofShard}), empty when it
     *                 has no key.
     * @param consistency its consistency model; the coordinator refuses a shard whose differs from its own.
     * @param compression its gradient and weight compression; the coordinator refuses a shard whose differs.
     */
    public record RegisterShard(
        ActorRef<ToShard> replyTo, int shard, int shards, String endpoint, JobIdentity identity, String host, long pid,
        String dataPlane, String proof, String consistency, String compression)
        implements Command, ControlMessage
    {
    }

    /**
     * A shard built its state for the job (after {@link ShardAccepted}).
     *
     * @param shard its index.
     */
    public record ShardReady(int shard) implements Command, ControlMessage
    {
    }

    /**
     * A shard stopped its part of the job on its own (its step loop failed or diverged).
     *
     * @param shard    its index.
     * @param badInput true when it was the user's input (training diverged).
     * @param reason   one line.
     */
    public record ShardStopped(int shard, boolean badInput, String reason) implements Command, ControlMessage
    {
    }

    /**
     * Gradient-norm clipping with shards: a shard's part of a step's global norm, the sum of squares of its range of
     * the step's averaged gradient, sent to the coordinator before the shard applies the step.
     *
     * @param shard   its index.
     * @param step    the step.
     * @param squares the squared L2 norm of its range.
     */
    public record ShardNorm(int shard, long step, double squares) implements Command, ControlMessage
    {
    }

    /**
     * A shard's counters after its last step, for the report's {@code server_stats} (one entry per shard).
     *
     * @param shard            its index.
     * @param host             its host name.
     * @param pid              its process id.
     * @param steps            optimizer steps it took (a resumed job counts from the checkpoint).
     * @param updateSeconds    its time summing gradients and running the optimizer on its range.
     * @param bytesReceived    gradient bytes of its range received complete.
     * @param ignoredGradients gradients of its range that arrived but were not summed.
     * @param refusedGradients gradients refused because their report's example count was not the one ordered.
     * @param cpus             the CPUs its process could run on, or "".
     * @param transport        what its data plane dropped or missed on the receiving side.
     * @param compression      its gradient traffic before and after compression.
     * @param stalenessSteps   its applied gradients by step staleness 0, 1, … (ssp/async; empty when none counted).
     * @param versionLag       its applied gradients by version lag 0, 1, … (empty when none counted).
     * @param lateGradients    (backup) gradients of its range dropped because their step closed without them.
     * @param closedEarly      (backup) steps it closed without some expected rank (on the coordinator's ranks).
     */
    public record ShardStats(
        int shard, String host, long pid, long steps, double updateSeconds, long bytesReceived, long ignoredGradients,
        long refusedGradients, String cpus, TransportStats transport, CompressionStats compression,
        long[] stalenessSteps, long[] versionLag, long lateGradients, long closedEarly)
        implements Command, ControlMessage
    {
        /** Copies the arrays in. */
        public ShardStats
        {
            stalenessSteps = stalenessSteps.clone();
            versionLag = versionLag.clone();
        }

        /** A shard's counters without backup's late gradients and early closes. */
        public ShardStats(
            final int shard, final String host, final long pid, final long steps, final double updateSeconds,
            final long bytesReceived, final long ignoredGradients, final long refusedGradients, final String cpus,
            final TransportStats transport, final CompressionStats compression, final long[] stalenessSteps,
            final long[] versionLag)
        {
            this(shard, host, pid, steps, updateSeconds, bytesReceived, ignoredGradients, refusedGradients, cpus,
                transport, compression, stalenessSteps, versionLag, 0, 0);
        }

        /** A shard's counters without its staleness. */
        public ShardStats(
            final int shard, final String host, final long pid, final long steps, final double updateSeconds,
            final long bytesReceived, final long ignoredGradients, final long refusedGradients, final String cpus,
            final TransportStats transport, final CompressionStats compression)
        {
            this(shard, host, pid, steps, updateSeconds, bytesReceived, ignoredGradients, refusedGradients, cpus,
                transport, compression, new long[0], new long[0]);
        }

        @Override
        public long[] stalenessSteps()
        {
            return stalenessSteps.clone();
        }

        @Override
        public long[] versionLag()
        {
            return versionLag.clone();
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof ShardStats that && shard == that.shard && pid == that.pid &&
                steps == that.steps && Double.compare(updateSeconds, that.updateSeconds) == 0 &&
                bytesReceived == that.bytesReceived && ignoredGradients == that.ignoredGradients &&
                refusedGradients == that.refusedGradients && Objects.equals(host, that.host) &&
                Objects.equals(cpus, that.cpus) && Objects.equals(transport, that.transport) &&
                Objects.equals(compression, that.compression) &&
                Arrays.equals(stalenessSteps, that.stalenessSteps) &&
                Arrays.equals(versionLag, that.versionLag) && lateGradients == that.lateGradients &&
                closedEarly == that.closedEarly;
        }

        @Override
        public int hashCode()
        {
            return Objects.hash(shard, host, pid, steps, updateSeconds, bytesReceived, ignoredGradients,
                refusedGradients, cpus, transport, compression, Arrays.hashCode(stalenessSteps),
                Arrays.hashCode(versionLag), lateGradients, closedEarly);
        }

        /** A shard's counters without its gradient traffic. */
        public ShardStats(
            final int shard, final String host, final long pid, final long steps, final double updateSeconds,
            final long bytesReceived, final long ignoredGradients, final long refusedGradients, final String cpus,
            final TransportStats transport)
        {
            this(shard, host, pid, steps, updateSeconds, bytesReceived, ignoredGradients, refusedGradients, cpus,
                transport, null);
        }
    }

    /**
     * A shard acknowledges a {@link DropRank}: it will not order the rank from that step on, and expects nothing
     * more from it. The coordinator publishes that step only once every shard acknowledged.
     *
     * @param shard its index.
     * @param rank  the dropped rank.
     * @param step  the {@link DropRank#step()} acknowledged.
     */
    public record RankDropped(int shard, int rank, long step) implements Command, ControlMessage
    {
    }

    /**
     * A shard could not send a worker its range of the weights (send deadline, closed publication): the coordinator
     * decides whether the worker is lost, as for its own failed sends.
     *
     * @param shard   its index.
     * @param rank    the worker's rank.
     * @param version the weights version that did not go out.
     * @param reason  why, in one line.
     */
    public record WorkerUnreachable(int shard, int rank, long version, String reason) implements Command,
        ControlMessage
    {
    }

    /**
     * A shard acknowledges an {@link AdmitRank}: its step loop holds the rank out until the join step and orders it
     * from then on. The coordinator publishes no further step before every shard acknowledged.
     *
     * @param shard its index.
     * @param rank  the joining rank.
     * @param step  the {@link AdmitRank#step()} acknowledged.
     */
    public record RankAdmitted(int shard, int rank, long step) implements Command, ControlMessage
    {
    }

    /** What the coordinator sends a parameter-server shard. */
    public sealed interface ToShard permits ShardAccepted, ShardStart, GlobalNorm, DropRank, AdmitRank, Refused,
        Finish, StepClosedOn
    {
    }

    /**
     * A backup step with shards ({@code consistency = backup}): the coordinator closed {@code step} on the gradients of
     * {@code ranks}, the first that were complete at the coordinator. Every other shard closes the step on exactly
     * these ranks (it sums nothing of the step before this comes), so every range averages the same workers; the
     * others' gradients of the step are late there too, counted and dropped.
     *
     * @param step  the step.
     * @param ranks the ranks it sums, in increasing order.
     */
    public record StepClosedOn(long step, int[] ranks) implements ToShard, ControlMessage
    {
    }

    /**
     * The coordinator dropped a worker: every shard stops expecting the rank's gradients now (a step still
     * collecting completes without it, averaged over the examples that came, as with one server), keeps it in the
     * orders of the steps before {@code step} (the coordinator ordered them so), and from {@code step} on orders
     * the live ranks only, the lost rank's data shard reassigned as {@code live[k % live.length]}. Answered with
     * {@link RankDropped}.
     *
     * @param rank the dropped rank.
     * @param step the first step whose orders leave it out: the coordinator's first step not yet ordered.
     */
    public record DropRank(int rank, long step) implements ToShard, ControlMessage
    {
    }

    /**
     * A worker joins the running job in a lost rank's place from {@code step} on (the coordinator's step loop admitted
     * it, at least one step after its first step not yet ordered): the shard opens an outlet to it, takes its
     * gradients only on its session, and orders it from {@code step}, its range of that version included. Answered
     * with {@link RankAdmitted}.
     *
     * @param rank          the rank it takes.
     * @param step          its join step.
     * @param endpoint      its data-plane endpoint.
     * @param workerSession the base of its gradient sessions ({@link Accepted#workerSession()}), 0: any.
     * @param serverSession the base of the sessions its weights go out on ({@link Accepted#serverSession()}), 0: any.
     */
    public record AdmitRank(int rank, long step, String endpoint, int workerSession, int serverSession)
        implements ToShard, ControlMessage
    {
    }

    /**
     * Gradient-norm clipping with shards: every shard's {@link ShardNorm} of a step came in; the coordinator sends
     * each shard their sum (in shard order, so every shard scales its range by the same factor).
     *
     * @param step    the step.
     * @param squares the squared L2 norm of the step's whole averaged gradient.
     */
    public record GlobalNorm(long step, double squares) implements ToShard, ControlMessage
    {
    }

    /**
     * The coordinator took the shard in.
     *
     * @param coordinator         the coordinator, for {@link ShardReady} and {@link ShardStopped}.
     * @param incarnation         the coordinator's start nonce: every shard's data-plane messages carry it.
     * @param bounds              the shards' range boundaries ({@link io.descent.cluster.plan.ServerShardPlan}).
     * @param coordinatorEndpoint the coordinator's data-plane endpoint (a shard's weights go there at epoch ends).
     * @param resumeStep          the step of the complete checkpoint the coordinator resumed from (the shard loads
     *                            its part of it), or -1 for a fresh start.
     * @param dataPlane           the coordinator's chunk authentication, which a shard set to {@code auto} takes.
     */
    public record ShardAccepted(ActorRef<Command> coordinator, long incarnation, long[] bounds,
        String coordinatorEndpoint, long resumeStep, String dataPlane) implements ToShard, ControlMessage
    {
    }

    /**
     * Every worker is ready: the shard publishes its range of the first weights and runs the steps.
     *
     * @param firstStep      the first step.
     * @param endpoints      the workers' data-plane endpoints, by rank.
     * @param workerSessions by rank, the base of the sessions the worker sends its gradients on
     *                       ({@link Accepted#workerSession()}; shard I takes that rank's chunks only from
     *                       {@link ShardMap#session} of it and I while authenticating); null or 0: any.
     * @param serverSessions by rank, the base of the sessions the shards send that worker's weights on
     *                       ({@link Accepted#serverSession()}); null or 0: any.
     * @param rangeSession   the base of the sessions the shards send their ranges to the coordinator on at epoch
     *                       ends (shard I on {@link ShardMap#session} of it and I); 0: any.
     */
    public record ShardStart(long firstStep, String[] endpoints, int[] workerSessions, int[] serverSessions,
        int rangeSession) implements ToShard, ControlMessage
    {
        /** A start without session binding (a data plane without a MAC). */
        public ShardStart(final long firstStep, final String[] endpoints)
        {
            this(firstStep, endpoints, null, null, 0);
        }

        /** @return the base of {@code rank}'s gradient sessions, 0 for any. */
        public int workerSession(final int rank)
        {
            return null == workerSessions ? 0 : workerSessions[rank];
        }

        /** @return the base of the sessions {@code rank}'s weights go out on, 0 for any. */
        public int serverSession(final int rank)
        {
            return null == serverSessions ? 0 : serverSessions[rank];
        }
    }

    /** What the parameter server sends a worker. */
    public sealed interface ToWorker permits Accepted, Refused, Finish
    {
    }

    /**
     * The server accepted the worker (again, with a later {@code firstStep}, when a worker joining a running job
     * armed too late).
     *
     * @param server         the server, for {@link Ready} and {@link Leave}.
     * @param rank           the worker's rank (= its shard).
     * @param workers        the job's number of workers (= shards).
     * @param serverEndpoint the server's data-plane endpoint (gradients go there).
     * @param firstStep      the first weights version to arm for (0, a checkpoint's step, or a joiner's step).
     * @param incarnation    the server's start nonce ({@link JobIdentity#incarnation()}): every data-plane message
     *                       to and from this server carries it in its job id, and the data-plane key is derived
     *                       from it.
     * @param workerSession  the Aeron session id the worker must send its gradients on (the server accepts this
     *                       rank's chunks from no other while authenticating); 0: any. With server shards, the
     *                       first of a block: the session to shard I is {@link ShardMap#session} of it and I.
     * @param serverSession  the Aeron session id the server sends this worker's weights on (the worker accepts the
     *                       server's chunks from no other while authenticating); 0: any. With server shards, the
     *                       first of a block: shard I sends on {@link ShardMap#session} of it and I.
     * @param shards         the parameter-server shards' ranges and endpoints ({@link ShardMap#SINGLE} for one).
     * @param dataPlane      the server's chunk authentication ({@link io.descent.transport.wire.ChunkAuth#label()}),
     *                       which a worker set to {@code auto} takes; empty: the worker's own.
     */
    public record Accepted(
        ActorRef<Command> server, int rank, int workers, String serverEndpoint, long firstStep, long incarnation,
        int workerSession, int serverSession, ShardMap shards, String dataPlane)
        implements ToWorker, ControlMessage
    {
        /** An acceptance that leaves the worker its own chunk authentication. */
        public Accepted(
            final ActorRef<Command> server, final int rank, final int workers, final String serverEndpoint,
            final long firstStep, final long incarnation, final int workerSession, final int serverSession,
            final ShardMap shards)
        {
            this(server, rank, workers, serverEndpoint, firstStep, incarnation, workerSession, serverSession, shards,
                "");
        }

        /** An acceptance by a single parameter server. */
        public Accepted(
            final ActorRef<Command> server, final int rank, final int workers, final String serverEndpoint,
            final long firstStep, final long incarnation, final int workerSession, final int serverSession)
        {
            this(server, rank, workers, serverEndpoint, firstStep, incarnation, workerSession, serverSession,
                ShardMap.SINGLE);
        }

        /** An acceptance without session binding (a data plane without a MAC). */
        public Accepted(
            final ActorRef<Command> server, final int rank, final int workers, final String serverEndpoint,
            final long firstStep, final long incarnation)
        {
            this(server, rank, workers, serverEndpoint, firstStep, incarnation, 0, 0);
        }
    }

    /**
     * The server refused the worker.
     *
     * @param reason why, in one line.
     */
    public record Refused(String reason) implements ToWorker, ToShard, ControlMessage
    {
    }

    /**
     * The job is over for this worker.
     *
     * @param success  true when the job completed.
     * @param badInput true when the server stopped the job on bad input (training diverged, a checkpoint of another
     *                 job): the worker then ends as the server does, with exit code 2.
     * @param message  a one-line explanation.
     */
    public record Finish(boolean success, boolean badInput, String message) implements ToWorker, ToShard,
        ControlMessage
    {
        /**
         * @param success true when the job completed.
         * @param message a one-line explanation.
         */
        public Finish(final boolean success, final String message)
        {
            this(success, false, message);
        }
    }
}
