package io.descent.cluster.node;

import io.descent.pki.Pem;
import io.descent.pki.TlsFiles;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Asks whether a seed's control plane speaks TLS before a node joins it, so that a node with TLS and a seed without
 * (or the other way round) is one clear line at once instead of joins that fail until the registration timeout. It
 * opens a TLS handshake (trusting any server certificate: it only asks, and sends nothing else) with the node's own
 * certificate when it has one, and closes it properly: a TLS seed that accepts the certificate sees a connection that
 * ends cleanly, one that does not logs its refusal; a plain Artery seed reads a bad header and resets the connection,
 * quietly. Stateless.
 */
final class TlsProbe
{
    private static final int TIMEOUT_MS = 5000;

    /** What the seed did with a TLS hello. */
    enum Answer
    {
        /** A TLS server answered (a server hello, or a TLS alert). */
        TLS,
        /** The seed closed or reset the connection on the hello: it does not speak TLS. */
        NOT_TLS,
        /** No answer in time, or no connection: nothing is known. */
        UNKNOWN
    }

    private TlsProbe()
    {
    }

    /**
     * @param seed  the seed's control-plane address.
     * @param files this node's TLS directory (its certificate is presented), or empty to present none.
     * @return what the seed did.
     */
    static Answer ask(final HostPort seed, final Optional<TlsFiles> files)
    {
        final SSLContext context = context(files);
        try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket())
        {
            try
            {
                socket.connect(new InetSocketAddress(seed.host(), seed.port()), TIMEOUT_MS);
            }
            catch (final IOException ex)
            {
                return Answer.UNKNOWN;
            }
            socket.setSoTimeout(TIMEOUT_MS);
            socket.startHandshake();
            return Answer.TLS;
        }
        catch (final SSLException ex)
        {
            final String message = String.valueOf(ex.getMessage());
            if (message.contains("Received fatal alert"))
            {
                return Answer.TLS;
            }
            return message.contains("terminated the handshake") || ex.getCause() instanceof EOFException ||
                ex.getCause() instanceof SocketException ? Answer.NOT_TLS : Answer.UNKNOWN;
        }
        catch (final SocketException | EOFException ex)
        {
            // Reset or closed under the hello: a plain Artery seed refusing a header that is not its own.
            return Answer.NOT_TLS;
        }
        catch (final IOException ex)
        {
            return Answer.UNKNOWN;
        }
    }

    private static SSLContext context(final Optional<TlsFiles> files)
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(files), new TrustManager[] {new TrustingAnything()}, null);
            return context;
        }
        catch (final GeneralSecurityException | IOException ex)
        {
            throw new IllegalStateException("making the TLS context of the seed probe", ex);
        }
    }

    private static KeyManager[] keyManagers(final Optional<TlsFiles> files)
        throws GeneralSecurityException, IOException
    {
        if (files.isEmpty())
        {
            return null;
        }
        final String where = "--tls-dir " + files.get().dir();
        final KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        final char[] password = "probe".toCharArray();
        store.setKeyEntry("node", Pem.privateKey(files.get().key(), where), password, new Certificate[] {
            Pem.certificate(files.get().certificate(), where), Pem.certificate(files.get().ca(), where)});
        final KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    /** Accepts any server certificate: the probe only asks whether TLS is spoken, and sends nothing. */
    private static final class TrustingAnything implements X509TrustManager
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
            throw new UnsupportedOperationException("a probe is a client only");
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
            // Anything: see the class comment.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }
}
