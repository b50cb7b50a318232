package io.descent.cluster.node;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

/**
 * An {@link SSLEngine} that hands every {@link SSLException} its delegate throws (a failed handshake: an untrusted
 * certificate, a peer that does not speak TLS, an alert from the peer) to a listener before rethrowing it, so that a
 * refused connection can be told in one clear line; Akka's TLS stage otherwise only logs the JSSE exception. Confined
 * to the stream stage that owns the engine, as any SSLEngine.
 */
final class WatchedSslEngine extends SSLEngine
{
    private final SSLEngine delegate;
    private final BiConsumer<WatchedSslEngine, SSLException> onFailure;
    private boolean heardFromPeer;

    /**
     * @param delegate  the engine doing the work.
     * @param onFailure told of each exception with this engine (its client mode says the side).
     */
    WatchedSslEngine(final SSLEngine delegate, final BiConsumer<WatchedSslEngine, SSLException> onFailure)
    {
        super(delegate.getPeerHost(), delegate.getPeerPort());
        this.delegate = delegate;
        this.onFailure = onFailure;
    }

    @Override
    public SSLEngineResult wrap(final ByteBuffer[] srcs, final int offset, final int length, final ByteBuffer dst)
        throws SSLException
    {
        try
        {
            return delegate.wrap(srcs, offset, length, dst);
        }
        catch (final SSLException ex)
        {
            onFailure.accept(this, ex);
            throw ex;
        }
    }

    @Override
    public SSLEngineResult unwrap(final ByteBuffer src, final ByteBuffer[] dsts, final int offset, final int length)
        throws SSLException
    {
        heardFromPeer |= src.hasRemaining();
        try
        {
            return delegate.unwrap(src, dsts, offset, length);
        }
        catch (final SSLException ex)
        {
            onFailure.accept(this, ex);
            throw ex;
        }
    }

    @Override
    public void closeInbound() throws SSLException
    {
        try
        {
            delegate.closeInbound();
        }
        catch (final SSLException ex)
        {
            onFailure.accept(this, ex);
            throw ex;
        }
    }

    /**
     * @return true once the peer sent a byte: a connection closed before that was a port check (a node waiting for
     * its seed connects and closes), not a handshake.
     */
    boolean heardFromPeer()
    {
        return heardFromPeer;
    }

    @Override
    public Runnable getDelegatedTask()
    {
        return delegate.getDelegatedTask();
    }

    @Override
    public boolean isInboundDone()
    {
        return delegate.isInboundDone();
    }

    @Override
    public void closeOutbound()
    {
        delegate.closeOutbound();
    }

    @Override
    public boolean isOutboundDone()
    {
        return delegate.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites()
    {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites()
    {
        return delegate.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(final String[] suites)
    {
        delegate.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols()
    {
        return delegate.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols()
    {
        return delegate.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(final String[] protocols)
    {
        delegate.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession()
    {
        return delegate.getSession();
    }

    @Override
    public SSLSession getHandshakeSession()
    {
        return delegate.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException
    {
        delegate.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus()
    {
        return delegate.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(final boolean mode)
    {
        delegate.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode()
    {
        return delegate.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(final boolean need)
    {
        delegate.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth()
    {
        return delegate.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(final boolean want)
    {
        delegate.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth()
    {
        return delegate.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(final boolean flag)
    {
        delegate.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation()
    {
        return delegate.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters()
    {
        return delegate.getSSLParameters();
    }

    @Override
    public void setSSLParameters(final SSLParameters params)
    {
        delegate.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol()
    {
        return delegate.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol()
    {
        return delegate.getHandshakeApplicationProtocol();
    }
}
