package io.descent.cluster.node;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.SSLEngineProvider;
import akka.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider;
import scala.Option;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * Artery's SSL engine provider on a mutual-TLS node (see {@link ArteryTls}): Akka 2.6's
 * {@link RotatingKeysSSLEngineProvider} does the work (PEM files, mutual authentication, the peer-subject check,
 * rotation), and every handshake it fails, or refuses after verification, is told to the actor system's
 * {@link TlsRefusals}, which says it in one clear line. Akka makes one per actor system (public constructor taking
 * the classic system) and calls it from its stream threads; thread-safe as its delegate is.
 */
public final class TlsEngineProvider implements SSLEngineProvider
{
    private final RotatingKeysSSLEngineProvider delegate;
    private final TlsRefusals refusals;

    /** @param system the actor system whose remoting this provider secures. */
    public TlsEngineProvider(final ActorSystem system)
    {
        this.delegate = new RotatingKeysSSLEngineProvider(system);
        this.refusals = TlsRefusals.ID.get(system);
    }

    @Override
    public SSLEngine createServerSSLEngine(final String hostname, final int port)
    {
        return new WatchedSslEngine(delegate.createServerSSLEngine(hostname, port),
            (engine, failure) -> refusals.onFailure(false, null, engine.heardFromPeer(), failure));
    }

    @Override
    public SSLEngine createClientSSLEngine(final String hostname, final int port)
    {
        final String peer = hostname + ":" + port;
        return new WatchedSslEngine(delegate.createClientSSLEngine(hostname, port),
            (engine, failure) -> refusals.onFailure(true, peer, engine.heardFromPeer(), failure));
    }

    @Override
    public Option<Throwable> verifyClientSession(final String hostname, final SSLSession session)
    {
        final Option<Throwable> problem = delegate.verifyClientSession(hostname, session);
        if (problem.isDefined())
        {
            refusals.onNoSharedName(true, hostname, problem.get());
        }
        else
        {
            refusals.onVerified();
        }
        return problem;
    }

    @Override
    public Option<Throwable> verifyServerSession(final String hostname, final SSLSession session)
    {
        final Option<Throwable> problem = delegate.verifyServerSession(hostname, session);
        if (problem.isDefined())
        {
            refusals.onNoSharedName(false, null, problem.get());
        }
        return problem;
    }
}
