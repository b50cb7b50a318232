package io.descent.cluster.worker;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.protocol.ServerProtocol;

/** Builds a worker's registration, proved with its cluster key ({@link RegistrationClaim}). Stateless. */
final class Registration
{
    private Registration()
    {
    }

    /**
     * @param system   the worker's actor system (renders the refs the claim covers).
     * @param worker   the ref the worker registers with: the server replies to it and knows the worker by it.
     * @param server   the parameter server the registration is for.
     * @param setup    the worker's setup (data-plane endpoint, requested rank, key).
     * @param identity the worker's job identity.
     * @param rank     the rank it asks for, or -1 for any.
     * @return the registration.
     */
    static ServerProtocol.Register of(
        final ActorSystem<?> system,
        final ActorRef<ServerProtocol.ToWorker> worker,
        final ActorRef<ServerProtocol.Command> server,
        final WorkerSetup setup,
        final JobIdentity identity,
        final int rank)
    {
        final RegistrationClaim claim = RegistrationClaim.of(ActorRefResolver.get(system), server, worker,
            setup.plane().endpoint(), identity, NodeInfo.host(), NodeInfo.pid(), rank);
        return new ServerProtocol.Register(worker, claim.endpoint(), identity, claim.host(), claim.pid(),
            claim.rank(), setup.settings().key().prove(claim), setup.settings().dataPlaneOffer(),
            setup.settings().consistency().label(), setup.settings().compression().label());
    }
}
