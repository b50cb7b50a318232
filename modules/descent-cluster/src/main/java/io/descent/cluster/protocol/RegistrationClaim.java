package io.descent.cluster.protocol;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Everything a worker's registration says, which its {@link ClusterKey} proof covers: the parameter server it is
 * addressed to and the worker's own actor (both as ActorRef serialization strings: node address, path and the
 * actor's random incarnation uid), the worker's data-plane endpoint, the job identity (model fingerprint and
 * configuration digest), host, pid and requested rank. Immutable.
 *
 * <p>Why these fields: a proof made for one job, one server incarnation or one worker does not verify for another.
 * A proof recorded off the wire (Akka remoting is not TLS) cannot be replayed against a restarted or different
 * parameter server (new uid), and replayed against the same server it only re-registers the original worker actor
 * and endpoint, which the server treats as a duplicate. The server does not send a fresh challenge, so within one
 * server incarnation there is no freshness beyond that binding; and the proof authenticates the registration only,
 * not the control and data-plane messages that follow (see {@link ClusterKey}).
 *
 * @param server   the parameter server's ActorRef serialization string.
 * @param worker   the worker's ActorRef serialization string.
 * @param endpoint the worker's data-plane endpoint.
 * @param identity the worker's job identity.
 * @param host     its host name.
 * @param pid      its process id.
 * @param rank     the rank it asks for, or -1.
 */
public record RegistrationClaim(
    String server, String worker, String endpoint, JobIdentity identity, String host, long pid, int rank, String domain)
{
    private static final String DOMAIN = "descent-register-v1";
    /** A server shard's registration with the coordinator: its proof never passes for a worker's, nor the reverse. */
    private static final String SHARD_DOMAIN = "descent-register-shard-v1";

    /** A worker's claim. */
    public RegistrationClaim(
        final String server, final String worker, final String endpoint, final JobIdentity identity, final String host,
        final long pid, final int rank)
    {
        this(server, worker, endpoint, identity, host, pid, rank, DOMAIN);
    }

    /**
     * @param refs     the resolver of this node's actor system (both sides render refs the same way with it).
     * @param server   the parameter server.
     * @param worker   the registering worker.
     * @param endpoint the worker's data-plane endpoint.
     * @param identity the worker's job identity.
     * @param host     its host name.
     * @param pid      its process id.
     * @param rank     the rank it asks for, or -1.
     * @return the claim.
     */
    public static RegistrationClaim of(
        final ActorRefResolver refs,
        final ActorRef<?> server,
        final ActorRef<?> worker,
        final String endpoint,
        final JobIdentity identity,
        final String host,
        final long pid,
        final int rank)
    {
        return new RegistrationClaim(refs.toSerializationFormat(server), refs.toSerializationFormat(worker), endpoint,
            identity, host, pid, rank);
    }

    /**
     * A server shard's claim to the coordinator ({@code RegisterShard}): the same fields, {@code rank} being the
     * shard's index, under a domain of its own.
     *
     * @param refs        the resolver of this node's actor system.
     * @param coordinator the coordinator.
     * @param shard       the registering shard's actor.
     * @param endpoint    the shard's data-plane endpoint.
     * @param identity    the shard's job identity.
     * @param host        its host name.
     * @param pid         its process id.
     * @param index       its shard index.
     * @return the claim.
     */
    public static RegistrationClaim ofShard(
        final ActorRefResolver refs,
        final ActorRef<?> coordinator,
        final ActorRef<?> shard,
        final String endpoint,
        final JobIdentity identity,
        final String host,
        final long pid,
        final int index)
    {
        return new RegistrationClaim(refs.toSerializationFormat(coordinator), refs.toSerializationFormat(shard),
            endpoint, identity, host, pid, index, SHARD_DOMAIN);
    }

    /** @return an unambiguous encoding: a domain tag, then every field length-prefixed or fixed-width. */
    public byte[] bytes()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (final String text : new String[]{ domain, server, worker, endpoint, identity.architecture(), host })
        {
            final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
            out.writeBytes(utf8);
        }
        out.writeBytes(ByteBuffer.allocate(3 * Long.BYTES + Integer.BYTES).putLong(identity.fingerprint())
            .putLong(identity.configDigest()).putLong(pid).putInt(rank).array());
        return out.toByteArray();
    }
}
