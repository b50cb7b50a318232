package io.descent.cluster.worker;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.ActorContext;
import io.descent.cluster.protocol.JobIdentity;
import io.descent.cluster.protocol.NodeInfo;
import io.descent.cluster.protocol.RegistrationClaim;
import io.descent.cluster.server.ParameterServer;

/** Builds a worker's registration, proved with its cluster key ({@link RegistrationClaim}). Stateless. */
final class Registration
{
    private Registration()
    {
    }

    /**
     * @param context  the worker's context (its self and actor system).
     * @param server   the parameter server the registration is for.
     * @param setup    the worker's setup (data-plane endpoint, requested rank, key).
     * @param identity the worker's job identity.
     * @return the registration.
     */
    static ParameterServer.Register of(
        final ActorContext<Worker.Command> context,
        final ActorRef<ParameterServer.Command> server,
        final WorkerSetup setup,
        final JobIdentity identity)
    {
        final RegistrationClaim claim = RegistrationClaim.of(ActorRefResolver.get(context.getSystem()), server,
            context.getSelf(), setup.plane().endpoint(), identity, NodeInfo.host(), NodeInfo.pid(),
            setup.settings().rank());
        return new ParameterServer.Register(context.getSelf(), claim.endpoint(), identity, claim.host(), claim.pid(),
            claim.rank(), setup.settings().key().prove(claim));
    }
}
